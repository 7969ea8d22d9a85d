from flask import request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt_identity,
    jwt_required,
)
from flask_restful import Resource, abort

from .models import Operator


class Login(Resource):
    def post(self):
        body = request.get_json(force=True)
        operator = Operator.query.filter_by(username=body.get("username")).first()
        if operator is None or not operator.verify(body.get("password", "")):
            abort(401, message="bad credentials")
        return {
            "access_token": create_access_token(identity=operator.id),
            "refresh_token": create_refresh_token(identity=operator.id),
        }


class Refresh(Resource):
    @jwt_required(refresh=True)
    def post(self):
        return {"access_token": create_access_token(identity=get_jwt_identity())}
