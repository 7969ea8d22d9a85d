from flask import Blueprint, abort, g, jsonify, request

from .db import get_db

admin_bp = Blueprint("admin", __name__)


@admin_bp.before_request
def admins_only():
    if not g.user or not g.user["is_admin"]:
        abort(403)


@admin_bp.post("/rooms")
def create_room():
    body = request.get_json(force=True)
    db = get_db()
    db.execute("INSERT INTO rooms (name, capacity) VALUES (?, ?)", (body["name"], body["capacity"]))
    db.commit()
    return jsonify({"ok": True}), 201


@admin_bp.delete("/rooms/<int:room_id>")
def delete_room(room_id):
    db = get_db()
    db.execute("DELETE FROM rooms WHERE id = ?", (room_id,))
    db.commit()
    return "", 204
