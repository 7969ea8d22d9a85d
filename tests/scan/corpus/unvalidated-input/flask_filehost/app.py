"""Team file host: upload, download, thumbnails and zip exports under one storage root."""

import io
import os
import shutil
import zipfile
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file, send_from_directory
from flask_login import current_user, login_required
from PIL import Image
from werkzeug.utils import secure_filename

app = Flask(__name__)
STORAGE = Path(os.environ.get("FILEHOST_STORAGE", "/srv/filehost"))
ALLOWED_EXTENSIONS = {".png", ".jpg", ".jpeg", ".pdf", ".txt", ".csv"}


def user_dir():
    return STORAGE / str(current_user.id)


@app.post("/files")
@login_required
def upload():
    uploaded = request.files["file"]
    name = secure_filename(uploaded.filename)
    if Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        abort(415)
    user_dir().mkdir(parents=True, exist_ok=True)
    uploaded.save(user_dir() / name)
    return jsonify({"name": name}), 201


@app.post("/files/raw")
@login_required
def upload_raw():
    uploaded = request.files["file"]
    if not uploaded.filename.lower().endswith(tuple(ALLOWED_EXTENSIONS)):
        abort(415)
    uploaded.save(os.path.join(user_dir(), uploaded.filename))  # expect: PR107
    return jsonify({"name": uploaded.filename}), 201


@app.get("/files/<name>")
@login_required
def download(name):
    return send_from_directory(user_dir(), name, as_attachment=True)


@app.get("/files/by-path")
@login_required
def download_by_path():
    rel = request.args.get("path", "")
    return send_file(os.path.join(user_dir(), rel), as_attachment=True)  # expect: PR107


@app.get("/files/checked")
@login_required
def download_checked():
    target = (user_dir() / request.args.get("path", "")).resolve()
    if not target.is_relative_to(user_dir().resolve()):
        abort(403)
    return send_file(target)


@app.get("/thumbnails/<name>")
@login_required
def thumbnail(name):
    size = request.args.get("size", 128, type=int)
    with Image.open(user_dir() / secure_filename(name)) as img:
        img.thumbnail((size, size))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
    buf.seek(0)
    return send_file(buf, mimetype="image/png")


@app.delete("/files")
@login_required
def delete_file():
    name = request.get_json(force=True)["name"]
    os.remove(user_dir() / name)  # expect: PR107
    return "", 204


@app.delete("/folders/<folder>")
@login_required
def delete_folder(folder):
    shutil.rmtree(user_dir() / folder)  # expect: PR107
    return "", 204


@app.post("/exports")
@login_required
def export_zip():
    names = request.get_json(force=True).get("names", [])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in names:
            archive.write(user_dir() / secure_filename(name), arcname=secure_filename(name))
    buf.seek(0)
    return send_file(buf, download_name="export.zip", as_attachment=True)


@app.get("/notes")
@login_required
def read_note():
    note = request.args["note"]
    if not note.isidentifier():
        abort(400)
    return (user_dir() / f"{note}.txt").read_text()


@app.get("/shared/<token>")
def shared(token):
    entry = SharedLink.lookup(token)  # noqa: F821 - signed, expiring share links
    if entry is None:
        abort(404)
    return send_file(entry.path)
