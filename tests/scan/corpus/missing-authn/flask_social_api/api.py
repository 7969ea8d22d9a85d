"""REST API of the social app: token authentication through Flask-HTTPAuth."""

import sqlalchemy as sa
from flask import Blueprint, abort, request, url_for
from flask_httpauth import HTTPTokenAuth

from .extensions import db
from .models import Post, User

bp = Blueprint("api", __name__)
token_auth = HTTPTokenAuth()


@token_auth.verify_token
def verify_token(token):
    return db.session.scalar(sa.select(User).where(User.token == token)) if token else None


@bp.get("/users/<int:id>")
@token_auth.login_required
def get_user(id):
    return db.get_or_404(User, id).to_dict()


@bp.post("/users")
def create_user():
    data = request.get_json()
    if not data or not {"username", "email", "password"} <= data.keys():
        abort(400)
    if db.session.scalar(sa.select(User).where(User.username == data["username"])):
        abort(409)
    user = User()
    user.from_dict(data, new_user=True)
    db.session.add(user)
    db.session.commit()
    return user.to_dict(), 201, {"Location": url_for("api.get_user", id=user.id)}


@bp.put("/users/<int:id>")
def update_user(id):  # expect: PR105
    user = db.get_or_404(User, id)  # expect: PR106
    data = request.get_json()
    user.from_dict(data, new_user=False)
    db.session.commit()
    return user.to_dict()


@bp.post("/users/<int:id>/follow")
@token_auth.login_required
def follow(id):
    me = token_auth.current_user()
    target = db.get_or_404(User, id)
    if target.id == me.id:
        abort(400)
    db.session.execute(followers.insert().values(follower_id=me.id, followed_id=target.id))  # noqa: F821
    db.session.commit()
    return "", 204


@bp.post("/posts")
@token_auth.login_required
def create_post():
    post = Post(body=request.get_json()["body"], user_id=token_auth.current_user().id)
    db.session.add(post)
    db.session.commit()
    return {"id": post.id}, 201


@bp.delete("/posts/<int:id>")
def delete_post(id):  # expect: PR105
    post = db.get_or_404(Post, id)  # expect: PR106
    db.session.delete(post)
    db.session.commit()
    return "", 204


@bp.post("/tokens")
def get_token():
    auth = request.authorization
    user = db.session.scalar(sa.select(User).where(User.username == auth.username))
    if user is None or not user.check_password(auth.password):
        abort(401)
    return {"token": user.get_token()}
