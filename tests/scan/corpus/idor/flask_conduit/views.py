from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import current_user, jwt_required

from .extensions import db
from .models import Article, Comment

blueprint = Blueprint("articles", __name__)


@blueprint.route("/api/articles/<slug>/favorite", methods=("POST",))
@jwt_required()
def favorite_an_article(slug):
    article = Article.query.filter_by(slug=slug).first_or_404()
    article.favourite(current_user.profile)
    db.session.commit()
    return jsonify({"slug": article.slug})


@blueprint.route("/api/articles/<slug>", methods=("PUT",))
@jwt_required()
def update_article(slug):
    article = Article.query.filter_by(slug=slug).first_or_404()  # expect: PR106
    payload = request.get_json()["article"]
    article.title = payload.get("title", article.title)
    article.body = payload.get("body", article.body)
    db.session.commit()
    return jsonify({"slug": article.slug})


@blueprint.route("/api/articles/<slug>", methods=("DELETE",))
@jwt_required()
def delete_article(slug):
    article = Article.query.filter_by(slug=slug, author_id=current_user.profile.id).first()
    if article is None:
        abort(404)
    db.session.delete(article)
    db.session.commit()
    return "", 200


@blueprint.route("/api/articles/<slug>/comments/<int:cid>", methods=("DELETE",))
@jwt_required()
def delete_comment_on_article(slug, cid):
    article = Article.query.filter_by(slug=slug).first_or_404()
    comment = article.comments.filter_by(id=cid, author_id=current_user.profile.id).first()
    if comment is None:
        abort(404)
    db.session.delete(comment)
    db.session.commit()
    return "", 200


@blueprint.route("/api/comments/<int:cid>", methods=("PATCH",))
@jwt_required()
def edit_comment(cid):
    comment = db.session.get(Comment, cid)  # expect: PR106
    comment.body = request.get_json()["body"]
    db.session.commit()
    return jsonify({"id": comment.id})


@blueprint.route("/api/articles/<slug>", methods=("GET",))
def get_article(slug):
    return jsonify({"slug": Article.query.filter_by(slug=slug).first_or_404().slug})


@blueprint.route("/api/password-reset/<token>", methods=("POST",))
def reset_password(token):
    profile = UserProfile.query.filter_by(reset_token=token).first_or_404()  # noqa: F821
    profile.set_password(request.get_json()["password"])
    db.session.commit()
    return "", 204
