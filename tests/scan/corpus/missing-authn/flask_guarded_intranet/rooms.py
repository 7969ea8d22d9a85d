from flask import Blueprint, g, jsonify, request

from .db import get_db

rooms_bp = Blueprint("rooms", __name__)


@rooms_bp.get("/")
def index():
    rows = get_db().execute("SELECT id, name, capacity FROM rooms ORDER BY name").fetchall()
    return jsonify([dict(r) for r in rows])


@rooms_bp.post("/<int:room_id>/bookings")
def book(room_id):
    body = request.get_json(force=True)
    db = get_db()
    db.execute(
        "INSERT INTO bookings (room_id, user_id, starts_at, ends_at) VALUES (?, ?, ?, ?)",
        (room_id, g.user["id"], body["starts_at"], body["ends_at"]),
    )
    db.commit()
    return jsonify({"ok": True}), 201


@rooms_bp.delete("/bookings/<int:booking_id>")
def cancel_booking(booking_id):
    db = get_db()
    db.execute("DELETE FROM bookings WHERE id = ? AND user_id = ?", (booking_id, g.user["id"]))
    db.commit()
    return "", 204


@rooms_bp.post("/<int:room_id>/report-issue")
def report_issue(room_id):
    db = get_db()
    db.execute("INSERT INTO issues (room_id, text) VALUES (?, ?)", (room_id, request.form["text"]))
    db.commit()
    return jsonify({"ok": True}), 201
