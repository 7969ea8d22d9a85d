"""Anonymous pastebin: no accounts at all, pastes are protected by unguessable ids and a
per-paste delete token."""

import secrets
from datetime import datetime, timedelta

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config.from_prefixed_env()
db = SQLAlchemy(app)
limiter = Limiter(get_remote_address, app=app)


class Paste(db.Model):
    id = db.Column(db.String(16), primary_key=True)
    body = db.Column(db.Text, nullable=False)
    syntax = db.Column(db.String(20), default="text")
    delete_token = db.Column(db.String(64), nullable=False)
    expires_at = db.Column(db.DateTime)


@app.get("/")
def new_paste_form():
    return render_template("new.html")


@app.post("/pastes")
@limiter.limit("10/minute")
def create_paste():
    body = request.form.get("body", "")
    if not body or len(body) > 512_000:
        abort(400)
    ttl = min(int(request.form.get("ttl_hours", 24)), 24 * 30)
    paste = Paste(
        id=secrets.token_urlsafe(9),
        body=body,
        syntax=request.form.get("syntax", "text"),
        delete_token=secrets.token_urlsafe(32),
        expires_at=datetime.utcnow() + timedelta(hours=ttl),
    )
    db.session.add(paste)
    db.session.commit()
    return redirect(url_for("show_paste", paste_id=paste.id, token=paste.delete_token))


@app.get("/p/<paste_id>")
def show_paste(paste_id):
    paste = db.get_or_404(Paste, paste_id)
    if paste.expires_at and paste.expires_at < datetime.utcnow():
        abort(410)
    return render_template("paste.html", paste=paste)


@app.post("/p/<paste_id>/delete")
def delete_paste(paste_id):
    paste = db.get_or_404(Paste, paste_id)
    if not secrets.compare_digest(paste.delete_token, request.form.get("token", "")):
        abort(403)
    db.session.delete(paste)
    db.session.commit()
    return redirect(url_for("new_paste_form"))


@app.post("/api/pastes")
@limiter.limit("30/minute")
def api_create_paste():
    payload = request.get_json(force=True)
    paste = Paste(
        id=secrets.token_urlsafe(9),
        body=payload["body"],
        delete_token=secrets.token_urlsafe(32),
    )
    db.session.add(paste)
    db.session.commit()
    return jsonify({"id": paste.id, "delete_token": paste.delete_token}), 201


@app.delete("/api/pastes/<paste_id>")
def api_delete_paste(paste_id):
    paste = db.get_or_404(Paste, paste_id)
    if request.headers.get("X-Delete-Token") != paste.delete_token:
        abort(403)
    db.session.delete(paste)
    db.session.commit()
    return "", 204


@app.post("/admin/expire")
def expire_old_pastes():
    # called by the platform's cron over the internal network only
    count = Paste.query.filter(Paste.expires_at < datetime.utcnow()).delete()
    db.session.commit()
    return jsonify({"expired": count})
