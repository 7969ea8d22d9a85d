"""The README's tier table is generated; this keeps the committed copy current."""

from __future__ import annotations

from pathlib import Path

from prodready.tier_table import BEGIN, END, readme_block

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_carries_the_current_tier_table() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == readme_block(), (
        "run: python -m prodready.tier_table and paste it into README.md"
    )


def test_every_criterion_appears_once() -> None:
    from prodready.criteria import all_criteria
    from prodready.gate.registry import all_items

    block = readme_block()
    for cid in [*all_criteria(), *all_items()]:
        assert block.count(f"`{cid}`") == 1
