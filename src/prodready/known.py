"""Every id a policy may name: audit criteria, gate items and scan rules.

One list, so `[criteria]` modes and `[[waiver]]` ids are validated the same way by the
audit and the gate, and a waiver for a rule (`PR101`) is as valid as one for a criterion.
"""

from __future__ import annotations

import functools


@functools.cache
def known_ids() -> frozenset[str]:
    from prodready.criteria import all_criteria
    from prodready.gate.registry import all_items
    from prodready.scan.registry import all_rules

    return frozenset(all_criteria()) | frozenset(all_items()) | frozenset(all_rules())
