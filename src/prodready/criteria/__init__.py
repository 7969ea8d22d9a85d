"""The criteria, found by importing every module of this package.

Importing is the registration: each module's `@criterion` functions add themselves to
`REGISTRY`, so there is exactly one place that declares a criterion. A module that fails
to import fails loudly, not by silently dropping its criteria.
"""

from __future__ import annotations

import importlib
import pkgutil

from prodready.criteria.base import REGISTRY, Criterion
from prodready.model import Dimension

_loaded = False


def all_criteria() -> dict[str, Criterion]:
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            if info.name != "base":
                importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    order = list(Dimension)
    return dict(sorted(REGISTRY.items(), key=lambda kv: (order.index(kv[1].dimension), kv[0])))


__all__ = ["Criterion", "all_criteria"]
