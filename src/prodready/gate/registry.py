"""The gate's items, registered like criteria (one decorated function each) in their own
table, found by importing the `items_*` modules of this package."""

from __future__ import annotations

import importlib
import pkgutil

from prodready.criteria.base import Criterion

GATE_ITEMS: dict[str, Criterion] = {}


def all_items() -> dict[str, Criterion]:
    from prodready import gate

    for info in pkgutil.iter_modules(gate.__path__):
        if info.name.startswith("items_"):
            importlib.import_module(f"{gate.__name__}.{info.name}")
    return dict(GATE_ITEMS)
