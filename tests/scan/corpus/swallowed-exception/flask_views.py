# ruff: noqa: E722
"""Account and order routes of a small Flask shop."""

import contextlib
import logging
import traceback

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from shop.extensions import db, mail
from shop.models import Order, Product, User

bp = Blueprint("shop", __name__)
logger = logging.getLogger(__name__)


@bp.route("/orders", methods=["POST"])
@login_required
def create_order():
    data = request.get_json()
    order = Order(user_id=current_user.id, items=data["items"])
    db.session.add(order)
    try:
        db.session.commit()
    except:  # expect: PR103
        db.session.rollback()
    with contextlib.suppress(Exception):  # expect: PR103
        mail.send_order_confirmation(current_user.email, order)
    return jsonify(id=order.id), 201


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@login_required
def cancel_order(order_id):
    order = Order.query.get_or_404(order_id)
    try:
        order.cancel()
        db.session.commit()
    except Exception:
        # the client is told it failed (an error response, not a success)
        db.session.rollback()
        return jsonify({"error": "could not cancel order"}), 500
    return jsonify(status="cancelled")


@bp.route("/products/<int:product_id>/stock", methods=["PUT"])
@login_required
def update_stock(product_id):
    product = Product.query.get_or_404(product_id)
    try:
        product.stock = int(request.form["stock"])
        db.session.commit()
    except Exception as e:
        return jsonify(error=str(e)), 400
    return jsonify(stock=product.stock)


@bp.route("/newsletter", methods=["POST"])
def subscribe():
    email = request.form.get("email", "")
    try:
        mail.subscribe(email)
    except Exception:  # expect: PR103
        return jsonify(success=True)
    return jsonify(success=True)


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile():
    user = User.query.get(current_user.id)
    try:
        user.display_name = request.form["display_name"]
        db.session.commit()
    except KeyError:
        # narrow: the field was simply not sent
        pass
    except Exception:
        flash("Your profile could not be saved.")
        logger.error("profile update failed for %s", user.id, exc_info=True)
    return redirect(url_for("shop.profile"))


@bp.route("/orders/<int:order_id>/invoice")
@login_required
def invoice(order_id):
    order = Order.query.get_or_404(order_id)
    try:
        pdf = order.render_invoice()
    except Exception:
        # abort() raises an HTTP error
        abort(500)
    return pdf


@bp.route("/admin/reindex", methods=["POST"])
@login_required
def reindex():
    failed = []
    for product in Product.query.all():
        try:
            product.reindex()
        except Exception:
            traceback.print_exc()
            failed.append(product.id)
    return jsonify(failed=failed)


@bp.route("/wishlist/<int:product_id>", methods=["DELETE"])
@login_required
def remove_from_wishlist(product_id):
    try:
        current_user.wishlist.remove(product_id)
        db.session.commit()
    except Exception:  # expect: PR103
        pass
    return "", 204
