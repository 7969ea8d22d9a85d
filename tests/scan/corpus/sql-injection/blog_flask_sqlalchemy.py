"""Blog engine on Flask-SQLAlchemy with a few peewee-era leftovers for the archive."""

# ruff: noqa: UP031

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from peewee import PostgresqlDatabase
from sqlalchemy import func

from .models import Comment, Post, Tag, db

bp = Blueprint("blog", __name__)
archive_db = PostgresqlDatabase("archive", user="blog")
POST_ORDER = {"new": Post.created_at.desc(), "old": Post.created_at.asc()}
STATUSES = ["draft", "published", "hidden"]


@bp.get("/posts")
def list_posts():
    order = POST_ORDER.get(request.args.get("order"), Post.created_at.desc())
    tag = request.args.get("tag")
    query = Post.query.filter_by(status="published").order_by(order)
    if tag:
        query = query.join(Post.tags).filter(Tag.name == tag)
    return jsonify([p.to_dict() for p in query.limit(20)])


@bp.get("/posts/search")
def search_posts():
    term = request.args.get("q", "")
    rows = db.session.execute(  # expect: PR108
        db.text(f"SELECT id, title FROM posts WHERE to_tsvector(body) @@ plainto_tsquery('{term}')")
    )
    return jsonify([dict(r._mapping) for r in rows])


@bp.get("/posts/search/safe")
def search_posts_safe():
    term = request.args.get("q", "")
    rows = db.session.execute(
        db.text("SELECT id, title FROM posts WHERE to_tsvector(body) @@ plainto_tsquery(:q)"),
        {"q": term},
    )
    return jsonify([dict(r._mapping) for r in rows])


@bp.get("/authors/<author>/stats")
def author_stats(author):
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(  # expect: PR108
            "SELECT count(*), max(created_at) FROM posts WHERE author_name = '%s'" % author
        ).first()
    return jsonify({"posts": row[0], "last": row[1].isoformat() if row[1] else None})


@bp.post("/posts/<int:post_id>/comments")
@login_required
def add_comment(post_id):
    body = request.json["body"]
    comment = Comment(post_id=post_id, author_id=current_user.id, body=body)
    db.session.add(comment)
    db.session.execute(
        db.text("UPDATE posts SET comment_count = comment_count + 1 WHERE id = :id"),
        {"id": post_id},
    )
    db.session.commit()
    return jsonify(comment.to_dict()), 201


@bp.post("/posts/<int:post_id>/status")
@login_required
def set_status(post_id):
    status = request.json.get("status")
    if status not in STATUSES:
        abort(400)
    db.session.execute(db.text(f"UPDATE posts SET status = '{status}' WHERE id = {post_id}"))
    db.session.commit()
    return jsonify({"status": status})


@bp.get("/archive/<year>")
def archive(year):
    cursor = archive_db.execute_sql(  # expect: PR108
        "SELECT slug, title FROM archived_posts WHERE extract(year FROM published) = " + year
    )
    return jsonify([{"slug": s, "title": t} for s, t in cursor.fetchall()])


@bp.get("/archive/<int:year>/count")
def archive_count(year):
    cursor = archive_db.execute_sql(
        "SELECT count(*) FROM archived_posts WHERE extract(year FROM published) = %s", (year,)
    )
    return jsonify({"count": cursor.fetchone()[0]})


@bp.get("/tags/popular")
def popular_tags():
    limit = request.args.get("limit", type=int, default=10)
    rows = (
        db.session.query(Tag.name, func.count(Post.id))
        .join(Tag.posts)
        .group_by(Tag.name)
        .order_by(func.count(Post.id).desc())
        .limit(limit)
    )
    return jsonify(dict(rows.all()))


@bp.get("/admin/report")
@login_required
def admin_report():
    column = request.args.get("group_by", "author_name")
    since = request.args.get("since", "2020-01-01")
    sql = f"SELECT {column}, count(*) FROM posts WHERE created_at >= :since GROUP BY {column}"
    rows = db.session.execute(db.text(sql), {"since": since})  # expect: PR108
    return jsonify([list(r) for r in rows])
