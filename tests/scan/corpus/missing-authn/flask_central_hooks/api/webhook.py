from flask import Blueprint, jsonify, request

from ..models import Resolver, db

webhook_blueprint = Blueprint("webhook_blueprint", __name__)


@webhook_blueprint.route("/purge", methods=["POST"])
def purge_resolvers():  # expect: PR105
    Resolver.query.filter_by(name=request.json["name"]).delete()
    db.session.commit()
    return jsonify(result=True)
