from flask import Blueprint, jsonify, request

import libapi
import libposts

mod_api = Blueprint("mod_api", __name__)


@mod_api.route("/key", methods=["POST"])
def do_key_create():
    data = request.get_json()
    key = libapi.keygen(data["username"], data["password"])
    if key:
        return jsonify({"key": key}), 200
    return jsonify({"error": "invalid login"}), 403


@mod_api.route("/post", methods=["POST"])
def do_post_create():
    username = libapi.authenticate(request)
    if not username:
        return jsonify({"error": "invalid authentication"}), 401
    libposts.post(username, request.get_json()["text"])
    return jsonify({"ok": True}), 201


@mod_api.route("/post/<int:post_id>", methods=["DELETE"])
def do_post_delete(post_id):  # expect: PR105
    libposts.delete(post_id)
    return "", 204
