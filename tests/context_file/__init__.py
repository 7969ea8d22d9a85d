"""Tests of `prodready context`; the realistic service they share lives here.

`FLASK_SERVICE` is a small Flask service written the way a team would: a logging
configuration, a module logger per module, a `requests.Session` subclass that applies a
timeout, a hierarchy of exceptions with an application-wide error handler, `@login_required`
routes beside a public health check, CODEOWNERS, and a policy with layers. The tests assert
which example and which lines the context file picks from it.
"""

from __future__ import annotations

FLASK_SERVICE: dict[str, str | bytes] = {
    "prodready.toml": """
        tier = "production"

        [architecture]
        layers = ["api", "service", "storage"]

        [sensitive]
        payments = ["app/service/billing.py"]

        [scan]
        blocking_confidence = "medium"
    """,
    ".github/CODEOWNERS": """
        * @acme/platform
        /app/service/billing.py @acme/payments
    """,
    "app/__init__.py": """
        \"\"\"The refunds service.\"\"\"

        import logging.config

        from flask import Flask

        logging.config.dictConfig(
            {"version": 1, "root": {"level": "INFO", "handlers": ["console"]},
             "handlers": {"console": {"class": "logging.StreamHandler"}}}
        )


        def create_app() -> Flask:
            from app.api.errors import errors
            from app.api.routes import api

            app = Flask(__name__)
            app.register_blueprint(api)
            app.register_blueprint(errors)
            return app
    """,
    "app/errors.py": """
        \"\"\"Errors the service raises on purpose.\"\"\"


        class AppError(Exception):
            \"\"\"Base of the service's errors; carries the HTTP status.\"\"\"

            status = 500


        class NotFound(AppError):
            status = 404


        class PaymentFailed(AppError):
            status = 502
    """,
    "app/api/__init__.py": "",
    "app/api/errors.py": """
        import logging

        from flask import Blueprint, jsonify

        from app.errors import AppError

        logger = logging.getLogger(__name__)
        errors = Blueprint("errors", __name__)


        @errors.app_errorhandler(AppError)
        def handle_app_error(exc: AppError):
            logger.warning("request failed", extra={"error": type(exc).__name__})
            return jsonify(error=str(exc)), exc.status
    """,
    "app/api/routes.py": """
        import logging

        from flask import Blueprint, jsonify, request
        from flask_login import login_required

        from app.service import billing, orders

        logger = logging.getLogger(__name__)
        api = Blueprint("api", __name__)


        @api.get("/health")
        def health():
            return {"status": "ok"}


        @api.post("/refunds")
        @login_required
        def create_refund():
            payload = request.get_json()
            refund = billing.refund(payload["order_id"], payload["amount"])
            logger.info("refund created", extra={"order_id": payload["order_id"]})
            return jsonify(refund), 201


        @api.get("/orders/<int:order_id>")
        @login_required
        def read_order(order_id: int):
            return jsonify(orders.get(order_id))
    """,
    "app/clients/__init__.py": "",
    "app/clients/http.py": """
        \"\"\"Outbound HTTP: every request gets a timeout.\"\"\"

        import requests


        class TimeoutSession(requests.Session):
            \"\"\"A session whose every request has a timeout.\"\"\"

            def __init__(self, timeout: float = 5.0) -> None:
                super().__init__()
                self.timeout = timeout

            def request(self, method, url, **kwargs):
                kwargs.setdefault("timeout", self.timeout)
                return super().request(method, url, **kwargs)
    """,
    "app/service/__init__.py": "",
    "app/service/billing.py": """
        import logging

        from app.clients.http import TimeoutSession
        from app.errors import PaymentFailed

        logger = logging.getLogger(__name__)
        _session = TimeoutSession(timeout=3.0)


        def refund(order_id: int, amount: int) -> dict:
            response = _session.post("https://pay.example/refunds", json={"order": order_id})
            if response.status_code != 200:
                raise PaymentFailed(f"refund of order {order_id} failed")
            logger.info("refund issued", extra={"order_id": order_id})
            return response.json()
    """,
    "app/service/orders.py": """
        import logging

        import requests

        from app.clients.http import TimeoutSession
        from app.errors import NotFound
        from app.storage import db

        logger = logging.getLogger(__name__)
        _session = TimeoutSession()


        def get(order_id: int) -> dict:
            order = db.load(order_id)
            if order is None:
                raise NotFound(f"order {order_id}")
            return order


        def shipping_status(order_id: int) -> str:
            return requests.get(f"https://ship.example/{order_id}", timeout=2).text
    """,
    "app/storage/__init__.py": "",
    "app/storage/db.py": """
        ORDERS: dict[int, dict] = {}


        def load(order_id: int) -> dict | None:
            return ORDERS.get(order_id)
    """,
    "tests/test_orders.py": """
        from app.service import orders


        def test_missing_order_is_none():
            assert orders.db.load(1) is None
    """,
}

REFUNDS_SPEC = """
    ---
    owner: "@acme/payments"
    tier: production
    sensitive: [payments]
    ---

    # Partial refunds

    ## Intent

    Support agents refund part of an order, so one broken item is not refunded in full.

    ## Acceptance criteria

    - AC-1: POST /refunds with an amount below the order total returns 201 and the refund id.
    - AC-2: an amount above the order total returns 422 and no refund is issued.

    ## Stop condition

    Stop when AC-1 and AC-2 pass; do not change app/clients/http.py.

    ## Constraints

    - Architecture: api > service > storage.
    - Security: only support agents may refund.

    ## Interfaces

    ### POST /refunds

    - Request: `{"order_id": int, "amount": int}` in cents
    - Response: 201 `{"refund_id": str}`
    - Validation: amount is a positive integer no larger than the order total
    - Authorization: the caller is logged in and has the support role
    - Failure: 422 on an invalid amount; 502 when the provider fails, nothing recorded

    ## Verification plan

    Unit tests for the service, an API test per criterion.

    ## Operation

    - Logs: `refund issued` with the order id
    - Rollback: revert the release; refunds already issued stay issued.

    ## Accountability

    Owner: @acme/payments; reviewers @alice and @bob; @carol accepts the remaining risk.
"""
