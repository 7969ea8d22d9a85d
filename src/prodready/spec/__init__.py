"""The change spec: "ready" defined before the code is written, then checked against.

``load_spec`` reads a Markdown spec into a ``Spec``; ``check_spec`` says whether it is
complete and precise enough to build against at a tier; ``prodready spec new`` writes one
from the template.
"""

from __future__ import annotations

from prodready.spec.check import SpecCheck, SpecGap, check_spec
from prodready.spec.model import (
    SECTION_NAMES,
    AcceptanceCriterion,
    Endpoint,
    Spec,
    SpecError,
    SpecSection,
)
from prodready.spec.parse import load_spec, parse_spec

__all__ = [
    "SECTION_NAMES",
    "AcceptanceCriterion",
    "Endpoint",
    "Spec",
    "SpecCheck",
    "SpecError",
    "SpecGap",
    "SpecSection",
    "check_spec",
    "load_spec",
    "parse_spec",
]
