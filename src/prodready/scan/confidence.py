"""Confidence levels of scan findings, weakest first.

A rule's confidence is the precision it showed on real code it was not tuned on (README,
"The scan rules"); one order serves the scan's display floor and the policy's blocking
level, so "medium" means the same thing in both places.
"""

from __future__ import annotations

CONFIDENCES = ("low", "medium", "high")

# What `prodready scan` shows, and fails on, unless told otherwise: the same level the audit
# and the gate block on by default. Medium findings were right less than half the time on
# applications the rules had never seen, and a check that fails the build on a coin toss
# gets switched off; they stay one flag away, and every report counts what it held back.
DEFAULT_MIN_CONFIDENCE = "high"


def at_least(confidence: str, floor: str) -> bool:
    """True when `confidence` reaches `floor`; an unknown confidence never does."""
    return confidence in CONFIDENCES and CONFIDENCES.index(confidence) >= CONFIDENCES.index(floor)
