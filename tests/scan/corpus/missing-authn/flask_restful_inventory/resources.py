# ruff: noqa: RUF012
from flask import request
from flask_jwt_extended import get_jwt_identity, jwt_required
from flask_restful import Resource, abort, fields, marshal_with

from .db import db
from .models import Item, Location, Movement, Warehouse

item_fields = {"id": fields.Integer, "sku": fields.String, "quantity": fields.Integer}


class Warehouses(Resource):
    method_decorators = [jwt_required()]

    def get(self):
        return [{"id": w.id, "name": w.name} for w in Warehouse.query.all()]

    def post(self):
        body = request.get_json(force=True)
        warehouse = Warehouse(name=body["name"], city=body.get("city"))
        db.session.add(warehouse)
        db.session.commit()
        return {"id": warehouse.id}, 201


class WarehouseItemList(Resource):
    method_decorators = [jwt_required()]

    @marshal_with(item_fields)
    def get(self, warehouse_id):
        return Item.query.filter_by(warehouse_id=warehouse_id).all()

    @marshal_with(item_fields)
    def post(self, warehouse_id):
        body = request.get_json(force=True)
        item = Item(warehouse_id=warehouse_id, sku=body["sku"], quantity=body.get("quantity", 0))
        db.session.add(item)
        db.session.commit()
        return item, 201


class WarehouseItem(Resource):
    @marshal_with(item_fields)
    def get(self, item_id):
        return Item.query.get_or_404(item_id)

    @jwt_required()
    def put(self, item_id):
        item = Item.query.get_or_404(item_id)
        item.sku = request.get_json(force=True)["sku"]
        db.session.commit()
        return {"id": item.id}

    def delete(self, item_id):  # expect: PR105
        item = Item.query.get_or_404(item_id)
        db.session.delete(item)
        db.session.commit()
        return "", 204


class StockMovement(Resource):
    def post(self, item_id):  # expect: PR105
        body = request.get_json(force=True)
        item = Item.query.get_or_404(item_id)
        item.quantity += int(body["delta"])
        db.session.add(Movement(item_id=item.id, delta=int(body["delta"]), reason=body["reason"]))
        db.session.commit()
        return {"quantity": item.quantity}, 201


class LocationList(Resource):
    decorators = [jwt_required()]

    def get(self):
        return [loc.code for loc in Location.query.order_by(Location.code)]

    def post(self):
        code = request.get_json(force=True)["code"].upper()
        if Location.query.filter_by(code=code).first():
            abort(409, message="location exists")
        db.session.add(Location(code=code, created_by=get_jwt_identity()))
        db.session.commit()
        return {"code": code}, 201
