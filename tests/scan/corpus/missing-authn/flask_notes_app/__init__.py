"""Note-taking app: Flask application factory with Flask-Login."""

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
login_manager = LoginManager()
login_manager.login_view = "auth.login"


def create_app(config_object="notes.config.ProductionConfig"):
    app = Flask(__name__)
    app.config.from_object(config_object)
    db.init_app(app)
    login_manager.init_app(app)

    from .api import api_bp
    from .auth import auth_bp
    from .notes import notes_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


@login_manager.user_loader
def load_user(user_id):
    from .models import User

    return User.query.get(int(user_id))
