from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import abort

from .auth import login_required
from .db import get_db

bp = Blueprint("blog", __name__)


@bp.route("/")
def index():
    posts = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, author_id, username"
            " FROM post p JOIN user u ON p.author_id = u.id ORDER BY created DESC"
        )
        .fetchall()
    )
    return render_template("blog/index.html", posts=posts)


def get_post(id, check_author=True):
    post = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, author_id, username"
            " FROM post p JOIN user u ON p.author_id = u.id WHERE p.id = ?",
            (id,),
        )
        .fetchone()
    )
    if post is None:
        abort(404, f"Post id {id} doesn't exist.")
    if check_author and post["author_id"] != g.user["id"]:
        abort(403)
    return post


@bp.route("/create", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "POST":
        title = request.form["title"]
        if not title:
            flash("Title is required.")
        else:
            db = get_db()
            db.execute(
                "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
                (title, request.form["body"], g.user["id"]),
            )
            db.commit()
            return redirect(url_for("blog.index"))
    return render_template("blog/create.html")


@bp.route("/<int:id>/update", methods=("GET", "POST"))
@login_required
def update(id):
    post = get_post(id)
    if request.method == "POST":
        db = get_db()
        db.execute(
            "UPDATE post SET title = ?, body = ? WHERE id = ?",
            (request.form["title"], request.form["body"], id),
        )
        db.commit()
        return redirect(url_for("blog.index"))
    return render_template("blog/update.html", post=post)


@bp.route("/<int:id>/delete", methods=("POST",))
def delete(id):  # expect: PR105
    db = get_db()
    db.execute("DELETE FROM post WHERE id = ?", (id,))  # expect: PR106
    db.commit()
    return redirect(url_for("blog.index"))


@bp.route("/<int:id>/like", methods=("POST",))
@login_required
def like(id):
    db = get_db()
    db.execute("INSERT OR IGNORE INTO likes (post_id, user_id) VALUES (?, ?)", (id, g.user["id"]))
    db.commit()
    return redirect(url_for("blog.index"))


@bp.route("/<int:id>/publish", methods=("POST",))
def publish(id):  # expect: PR105
    db = get_db()
    db.execute("UPDATE post SET published = 1 WHERE id = ?", (id,))
    db.commit()
    return redirect(url_for("blog.index"))


@bp.route("/preview", methods=("POST",))
def preview():
    return render_template("blog/preview.html", body=request.form.get("body", ""))
