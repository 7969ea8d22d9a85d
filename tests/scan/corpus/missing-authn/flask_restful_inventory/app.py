"""Inventory service: Flask-RESTful resources behind JWT (flask-jwt-extended)."""

from flask import Flask
from flask_jwt_extended import JWTManager
from flask_restful import Api

from .db import db
from .resources import (
    LocationList,
    StockMovement,
    WarehouseItem,
    WarehouseItemList,
    Warehouses,
)
from .session import Login, Refresh

app = Flask(__name__)
app.config.from_envvar("INVENTORY_SETTINGS")
db.init_app(app)
jwt = JWTManager(app)
api = Api(app, prefix="/api")

api.add_resource(Login, "/login")
api.add_resource(Refresh, "/refresh")
api.add_resource(Warehouses, "/warehouses")
api.add_resource(WarehouseItemList, "/warehouses/<int:warehouse_id>/items")
api.add_resource(WarehouseItem, "/items/<int:item_id>")
api.add_resource(StockMovement, "/items/<int:item_id>/movements")
api.add_resource(LocationList, "/locations")
