"""HTTP endpoints."""

from flask import Flask, abort, jsonify, request

from app.service.orders import InvalidOrder, place_order
from app.storage import db

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/orders")
def create_order():
    payload = request.get_json(force=True)
    try:
        order = place_order(db.connect(), payload["customer"], payload["sku"], int(payload["quantity"]))
    except (InvalidOrder, KeyError, ValueError) as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(order), 201


@app.get("/orders/<int:order_id>")
def read_order(order_id: int):
    order = db.get_order(db.connect(), order_id)
    if order is None:
        abort(404)
    return jsonify(order)


@app.get("/orders")
def list_orders():
    return jsonify(db.list_orders(db.connect()))
