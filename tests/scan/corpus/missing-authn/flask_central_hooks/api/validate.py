from flask import Blueprint, jsonify, request

from ..models import AuthLog, db

validate_blueprint = Blueprint("validate_blueprint", __name__)


@validate_blueprint.route("/check", methods=["POST"])
def check():  # the OTP check itself: anonymous by design
    result = check_otp(request.json["user"], request.json["pass"])  # noqa: F821
    db.session.add(AuthLog(user=request.json["user"], success=result))
    db.session.commit()
    return jsonify(result=result)
