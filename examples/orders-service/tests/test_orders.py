import pytest

from app.service.orders import InvalidOrder, place_order
from app.storage import db


@pytest.fixture
def conn(tmp_path):
    return db.connect(str(tmp_path / "orders.db"))


def test_place_order_prices_by_quantity(conn):
    order = place_order(conn, "ada", "widget", 3)
    assert order["total_cents"] == 3750
    assert db.get_order(conn, order["id"])["quantity"] == 3


def test_unknown_sku_is_rejected(conn):
    with pytest.raises(InvalidOrder):
        place_order(conn, "ada", "sprocket", 1)


def test_list_orders_smoke(conn):
    place_order(conn, "ada", "gadget", 1)
    db.list_orders(conn)
