from flask import Blueprint, jsonify, request

from ..models import Token, db

token_blueprint = Blueprint("token_blueprint", __name__)


@token_blueprint.route("/init", methods=["POST"])
def init():  # guarded by before_after.before_user_request
    db.session.add(Token(serial=request.json["serial"], owner=request.json.get("user")))
    db.session.commit()
    return jsonify(result=True)
