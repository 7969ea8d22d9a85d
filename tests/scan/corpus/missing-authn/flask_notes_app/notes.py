from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import db
from .models import Note, Tag

notes_bp = Blueprint("notes", __name__)


@notes_bp.route("/")
@login_required
def index():
    notes = current_user.notes.order_by(Note.pinned.desc(), Note.created.desc()).all()
    return render_template("notes/index.html", notes=notes)


@notes_bp.route("/notes/new", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "POST":
        note = Note(title=request.form["title"], body=request.form.get("body", ""))
        note.user_id = current_user.id
        db.session.add(note)
        db.session.commit()
        return redirect(url_for("notes.index"))
    return render_template("notes/new.html")


@notes_bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
@login_required
def edit(note_id):
    note = current_user.notes.filter_by(id=note_id).first_or_404()
    if request.method == "POST":
        note.title = request.form["title"]
        note.body = request.form.get("body", "")
        db.session.commit()
        return redirect(url_for("notes.index"))
    return render_template("notes/edit.html", note=note)


@notes_bp.route("/notes/<int:note_id>/pin", methods=["POST"])
def toggle_pin(note_id):  # expect: PR105
    note = Note.query.get_or_404(note_id)  # expect: PR106
    note.pinned = not note.pinned
    db.session.commit()
    return redirect(url_for("notes.index"))


@notes_bp.route("/notes/<int:note_id>/delete")
def delete(note_id):  # expect: PR105
    note = Note.query.get_or_404(note_id)  # expect: PR106
    db.session.delete(note)
    db.session.commit()
    flash("Note deleted")
    return redirect(url_for("notes.index"))


@notes_bp.route("/tags", methods=["POST"])
def create_tag():  # expect: PR105
    name = request.form["name"].strip().lower()
    if not name:
        abort(400)
    if Tag.query.filter_by(name=name).first() is None:
        db.session.add(Tag(name=name))
        db.session.commit()
    return redirect(request.referrer or url_for("notes.index"))


@notes_bp.route("/tags/<int:tag_id>")
def tag(tag_id):
    tag = Tag.query.get_or_404(tag_id)
    return render_template("notes/tag.html", tag=tag)


@notes_bp.route("/notes/<int:note_id>/tags", methods=["POST"])
@login_required
def add_tag(note_id):
    note = current_user.notes.filter_by(id=note_id).first_or_404()
    tag = Tag.query.filter_by(name=request.form["name"]).first_or_404()
    note.tags.append(tag)
    db.session.commit()
    return redirect(url_for("notes.edit", note_id=note.id))


@notes_bp.route("/search", methods=["POST"])
def search():
    query = request.form.get("q", "")
    results = Note.query.filter(Note.title.ilike(f"%{query}%")).limit(20).all()
    return render_template("notes/search.html", notes=results)
