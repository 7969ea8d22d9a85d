"""The README's table of required criteria by tier, generated from the registry.

The table is documentation users rely on to know what blocks at their tier; generating it
(and testing that the README carries the current version) keeps it from drifting.
"""

from __future__ import annotations

from collections.abc import Iterable

from prodready.criteria import Criterion, all_criteria
from prodready.model import Tier

BEGIN = "<!-- tier-table:begin -->"
END = "<!-- tier-table:end -->"


def tier_table() -> str:
    from prodready.gate.registry import all_items
    from prodready.gate.run import ITEM_ORDER

    items = all_items()
    audit = _table("audit criterion", all_criteria().values())
    gate = _table("gate item", [items[i] for i in ITEM_ORDER if i in items])
    return f"{audit}\n\n{gate}"


def _table(label: str, criteria: Iterable[Criterion]) -> str:
    tiers = list(Tier)
    header = f"| {label} | dimension | layer | " + " | ".join(t.value for t in tiers) + " |"
    rule = "|---|---|---|" + "---|" * len(tiers)
    rows = [header, rule]
    for crit in criteria:
        marks = ["required" if crit.required_at(t) else "advisory" for t in tiers]
        name = f"`{crit.id}`" + (" (services)" if crit.service_only else "")
        rows.append(
            f"| {name} | {crit.dimension.value} | {crit.layer.value} | " + " | ".join(marks) + " |"
        )
    return "\n".join(rows)


def readme_block() -> str:
    return f"{BEGIN}\n{tier_table()}\n{END}"


if __name__ == "__main__":
    print(readme_block())
