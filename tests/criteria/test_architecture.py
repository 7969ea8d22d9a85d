from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

CYCLE = {
    "shop/__init__.py": "",
    "shop/invoice.py": "from shop.refund import refund\n\nclass Invoice: ...\n",
    "shop/refund.py": "import logging\nfrom shop.invoice import Invoice\n\ndef refund(): ...\n",
    "shop/util.py": "import shop.invoice\n",
}


def test_import_cycle_is_named_with_each_edge(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(CYCLE), "arch.import-cycles")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("shop/invoice.py", 1), ("shop/refund.py", 2)]
    assert "cycle: shop.invoice -> shop.refund -> shop.invoice" in r.evidence[0].text


def test_lazy_type_checking_and_parent_package_imports_are_not_cycles(
    make_repo: RepoFactory,
) -> None:
    files = {
        "shop/__init__.py": "from shop.invoice import Invoice\n",
        "shop/invoice.py": "from typing import TYPE_CHECKING\nimport shop\nif TYPE_CHECKING:\n    from shop.refund import refund\n",
        "shop/refund.py": "def refund():\n    from shop.invoice import Invoice\n    return Invoice\n",
    }
    r = evaluate(make_repo(files), "arch.import-cycles")
    assert_status(r, Status.MET)


def test_module_and_function_size_thresholds(make_repo: RepoFactory) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(120))
    files = {
        "app/big.py": "\n".join(f"v{i} = {i}" for i in range(30))
        + f"\n\ndef long_one():\n{body}\n",
        "app/small.py": "def short():\n    return 1\n",
        "prodready.toml": "[thresholds]\nmax_module_lines = 100\nmax_function_lines = 50\n",
    }
    root = make_repo(files)
    mod = evaluate(root, "arch.module-size")
    assert_status(mod, Status.MISSING)
    assert locations(mod) == [("app/big.py", None)]
    fn = evaluate(root, "arch.function-size")
    assert_status(fn, Status.MISSING)
    assert locations(fn) == [("app/big.py", 32)]
    assert fn.evidence[0].text == "long_one: 121 lines"


def test_sizes_met_under_defaults(make_repo: RepoFactory) -> None:
    root = make_repo({"app/small.py": "def short():\n    return 1\n"})
    assert_status(evaluate(root, "arch.module-size"), Status.MET)
    assert_status(evaluate(root, "arch.function-size"), Status.MET)


LAYERED = {
    "prodready.toml": '[architecture]\nlayers = ["api", "service", "storage"]\n',
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/routes.py": "from app.service.orders import place\n",
    "app/api/schemas.py": "class OrderOut: ...\n",
    "app/service/__init__.py": "",
    "app/service/orders.py": "from app.storage import db\n\ndef place(): ...\n",
    "app/storage/__init__.py": "",
    "app/storage/db.py": "import sqlite3\n",
}


def test_layers_respected(make_repo: RepoFactory) -> None:
    assert_status(evaluate(make_repo(LAYERED), "arch.layers"), Status.MET)


def test_lower_layer_importing_higher_is_named(make_repo: RepoFactory) -> None:
    files = dict(LAYERED)
    files["app/storage/db.py"] = "import sqlite3\n\nfrom app.api.schemas import OrderOut\n"
    r = evaluate(make_repo(files), "arch.layers")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("app/storage/db.py", 3)]
    assert r.evidence[0].text == "storage layer imports api layer: app.api.schemas.OrderOut"


def test_layers_not_applicable_without_declaration(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo({"app/x.py": "x = 1\n"}), "arch.layers")
    assert_status(r, Status.NOT_APPLICABLE)
