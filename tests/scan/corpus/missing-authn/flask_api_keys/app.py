from flask import Flask, g, session

from mod_api import mod_api
from mod_user import mod_user

app = Flask(__name__)
app.register_blueprint(mod_api, url_prefix="/api")
app.register_blueprint(mod_user, url_prefix="/user")


@app.before_request
def load_session():
    g.session = dict(session)
