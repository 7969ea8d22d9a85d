"""How a criterion is declared: one decorated function, its documentation in its docstring.

The decorator is the only registration there is, so a criterion cannot exist in the
registry without its documentation or vice versa, and `explain` and the reports read the
same text the code carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodready.model import Dimension, Layer, Outcome, Tier

if TYPE_CHECKING:
    from prodready.context import AuditContext

Check = Callable[["AuditContext"], Outcome]
# The gate's items are declared the same way over the gate's own context.
AnyCheck = Callable[[Any], Outcome]

_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    dimension: Dimension
    layer: Layer
    required_from: Tier | None  # the lowest tier at which it is required; None: advisory
    service_only: bool
    check: AnyCheck
    what: str
    why: str
    example: str
    fix: str

    def required_at(self, tier: Tier) -> bool:
        return self.required_from is not None and tier.at_least(self.required_from)

    def documentation(self) -> str:
        required = (
            f"required from tier {self.required_from.value}" if self.required_from else "advisory"
        )
        scope = "services only" if self.service_only else "every kind of project"
        return (
            f"{self.id}: {self.title}\n"
            f"dimension: {self.dimension.value} · layer: {self.layer.value} · {required} · "
            f"{scope}\n\n"
            f"What it does\n{_indent(self.what)}\n\n"
            f"Why it matters\n{_indent(self.why)}\n\n"
            f"Example\n{_indent(self.example)}\n\n"
            f"Fix\n{_indent(self.fix)}\n"
        )


REGISTRY: dict[str, Criterion] = {}


def criterion(
    id: str,
    title: str,
    dimension: Dimension,
    layer: Layer,
    *,
    required_from: Tier | None,
    service_only: bool = False,
    registry: dict[str, Criterion] | None = None,
) -> Callable[[AnyCheck], AnyCheck]:
    """Declare a criterion (or, with the gate's `registry`, a gate item)."""
    target = REGISTRY if registry is None else registry

    def register(check: AnyCheck) -> AnyCheck:
        if id in target:
            raise RuntimeError(f"criterion {id} is registered twice")
        sections = parse_doc(check.__doc__ or "", where=f"criterion {id}")
        target[id] = Criterion(
            id=id,
            title=title,
            dimension=dimension,
            layer=layer,
            required_from=required_from,
            service_only=service_only,
            check=check,
            what=sections["What it does"],
            why=sections["Why it matters"],
            example=sections["Example"],
            fix=sections["Fix"],
        )
        return check

    return register


def parse_doc(doc: str, *, where: str) -> dict[str, str]:
    """Split a docstring into its four sections; a missing one is a programming error."""
    pattern = re.compile(r"^\s*(" + "|".join(_SECTIONS) + r"):\s*$", re.MULTILINE)
    parts = pattern.split(doc)
    sections: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[name] = _dedent(body)
    missing = [s for s in _SECTIONS if not sections.get(s)]
    if missing:
        raise RuntimeError(f"{where}: docstring lacks section(s) {', '.join(missing)}")
    return sections


def _dedent(text: str) -> str:
    lines = text.strip("\n").splitlines()
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(indents, default=0)
    return "\n".join(ln[cut:] for ln in lines).strip()


def _indent(text: str) -> str:
    return "\n".join("    " + ln if ln else "" for ln in text.splitlines())
