"""The README's table of required criteria by tier, generated from the registry.

The table is documentation users rely on to know what blocks at their tier; generating it
(and testing that the README carries the current version) keeps it from drifting.
"""

from __future__ import annotations

from prodready.criteria import all_criteria
from prodready.model import Tier

BEGIN = "<!-- tier-table:begin -->"
END = "<!-- tier-table:end -->"


def tier_table() -> str:
    tiers = list(Tier)
    header = "| criterion | dimension | layer | " + " | ".join(t.value for t in tiers) + " |"
    rule = "|---|---|---|" + "---|" * len(tiers)
    rows = [header, rule]
    for crit in all_criteria().values():
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
