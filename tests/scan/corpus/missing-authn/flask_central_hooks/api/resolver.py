from flask import Blueprint, jsonify, request

from ..models import Resolver, db

resolver_blueprint = Blueprint("resolver_blueprint", __name__)


@resolver_blueprint.route("/<resolver>", methods=["POST"])
def set_resolver(resolver):  # guarded by before_after.before_admin_request
    db.session.add(Resolver(name=resolver, params=request.json))
    db.session.commit()
    return jsonify(result=True)


@resolver_blueprint.route("/<resolver>", methods=["DELETE"])
def delete_resolver(resolver):
    Resolver.query.filter_by(name=resolver).delete()
    db.session.commit()
    return jsonify(result=True)
