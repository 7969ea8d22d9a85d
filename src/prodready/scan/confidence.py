"""Confidence levels of scan findings, weakest first.

A rule's confidence is the precision it showed on real code it was not tuned on (README,
"The scan rules"); one order serves the scan's display floor and the policy's blocking
level, so "medium" means the same thing in both places.
"""

from __future__ import annotations

CONFIDENCES = ("low", "medium", "high")

# What `prodready scan` shows unless told otherwise: the low-confidence rules were wrong
# more often than right on real applications, and a report that cries wolf gets ignored.
DEFAULT_MIN_CONFIDENCE = "medium"


def at_least(confidence: str, floor: str) -> bool:
    """True when `confidence` reaches `floor`; an unknown confidence never does."""
    return confidence in CONFIDENCES and CONFIDENCES.index(confidence) >= CONFIDENCES.index(floor)
