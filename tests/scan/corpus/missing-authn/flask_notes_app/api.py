"""JSON API for the mobile client, authenticated by a per-user bearer token."""

from functools import wraps

from flask import Blueprint, abort, g, jsonify, request

from . import db
from .models import Note, User

api_bp = Blueprint("api", __name__)


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            abort(401)
        user = User.query.filter_by(api_token=header.removeprefix("Bearer ")).first()
        if user is None:
            abort(401)
        g.user = user
        return view(*args, **kwargs)

    return wrapper


@api_bp.get("/notes")
@token_required
def list_notes():
    return jsonify([{"id": n.id, "title": n.title} for n in g.user.notes])


@api_bp.post("/notes")
@token_required
def create_note():
    payload = request.get_json(force=True)
    note = Note(title=payload["title"], body=payload.get("body", ""), user_id=g.user.id)
    db.session.add(note)
    db.session.commit()
    return jsonify({"id": note.id}), 201


@api_bp.put("/notes/<int:note_id>")
def replace_note(note_id):  # expect: PR105
    payload = request.get_json(force=True)
    note = Note.query.get_or_404(note_id)  # expect: PR106
    note.title = payload["title"]
    note.body = payload.get("body", "")
    db.session.commit()
    return jsonify({"id": note.id})


@api_bp.delete("/notes/<int:note_id>")
@token_required
def delete_note(note_id):
    note = g.user.notes.filter_by(id=note_id).first_or_404()
    db.session.delete(note)
    db.session.commit()
    return "", 204


@api_bp.post("/notes/import")
def import_notes():  # expect: PR105
    created = 0
    for item in request.get_json(force=True).get("notes", []):
        db.session.add(Note(title=item["title"], body=item.get("body", ""), user_id=item["owner"]))
        created += 1
    db.session.commit()
    return jsonify({"created": created}), 201


@api_bp.post("/auth/token")
def issue_token():
    payload = request.get_json(force=True)
    user = User.query.filter_by(email=payload.get("email")).first()
    if user is None or not user.check_password(payload.get("password", "")):
        abort(401)
    return jsonify({"token": user.api_token})
