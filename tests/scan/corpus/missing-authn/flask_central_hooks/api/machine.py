from flask import Blueprint, jsonify, request

from ..models import MachineToken, db

machine_blueprint = Blueprint("machine_blueprint", __name__)


@machine_blueprint.route("/attach", methods=["POST"])
def attach_machine_api():
    db.session.add(MachineToken(serial=request.json["serial"], machine=request.json["machine"]))
    db.session.commit()
    return jsonify(result=True)
