"""Each rule against its fixture: exactly the marked lines fire."""

from __future__ import annotations

import pytest

from prodready.scan.registry import CATEGORIES, all_rules
from tests.scan.harness import FIXTURES, check_fixture, flagged_lines


def fixture_for(rule_id: str) -> str:
    matches = sorted(p.name for p in FIXTURES.glob(f"{rule_id}_*.py"))
    assert matches, f"rule {rule_id} has no fixture file"
    return matches[0]


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_rule_fires_on_exactly_the_marked_lines(rule_id: str) -> None:
    check_fixture(fixture_for(rule_id), rule_id)


def test_every_rule_is_documented_and_categorised() -> None:
    for rule in all_rules().values():
        assert rule.category in CATEGORIES
        assert rule.what and rule.why and rule.example and rule.fix


def test_unbounded_queue_only_in_service_code() -> None:
    library = "import queue\n\njobs = queue.Queue()\n"
    assert flagged_lines(library, "PR110") == []
    service = "import queue\nimport flask\n\njobs = queue.Queue()\n"
    assert flagged_lines(service, "PR110") == [4]
