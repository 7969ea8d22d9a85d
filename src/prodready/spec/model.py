"""The change spec as data: what a team agreed "ready" means before the code was written.

A spec is outside input (a Markdown file anyone can edit), so the model keeps what was
written and where (every part carries its line), and judges nothing: whether the spec is
complete enough to build against is ``prodready.spec.check``'s question, and whether the
code honours it is the gate's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from prodready.errors import EXIT_USAGE, ProdreadyError

# Canonical section names, in the order a spec is written and a report lists them.
SECTION_NAMES: tuple[str, ...] = (
    "intent",
    "acceptance",
    "stop",
    "constraints",
    "interfaces",
    "verification",
    "operation",
    "accountability",
)


class SpecError(ProdreadyError):
    """The spec cannot be read at all (bad front matter, an AC id used twice, not UTF-8).

    A spec that merely leaves something out is not an error: that is a gap, reported by
    ``check_spec``. This is for a file that cannot be trusted to mean one thing.
    """

    exit_code = EXIT_USAGE

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class AcceptanceCriterion:
    id: str  # "AC-1", upper-cased as the gate and the tests refer to it
    text: str  # the criterion without its id, continuation lines joined with "\n"
    line: int


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the interfaces section; each part is the text under its label."""

    method: str  # upper case: "POST"
    path: str  # as written: "/notes/{id}"
    line: int  # the endpoint's heading
    request: str | None
    response: str | None
    validation: str | None
    authorization: str | None
    failure: str | None
    # where each part was written: its (line, text) pairs, the label's own line first
    # (with the text after the label, possibly ""); keys as the fields above
    parts: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict, hash=False)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def part_line(self, part: str) -> int | None:
        """The line of a part's label or sub-heading; None when the part was not written."""
        written = self.parts.get(part)
        return written[0][0] if written else None


@dataclass(frozen=True)
class SpecSection:
    name: str  # canonical: see SECTION_NAMES
    line: int  # the heading's line (the first one when the section is written twice)
    text: str  # the Markdown under the heading, HTML comments removed
    # (line, text) of every non-blank line under the heading, sub-headings included
    lines: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Spec:
    path: str
    owner: str | None  # front matter, else the accountability section's "Owner:" label
    tier: str | None  # a Tier value; validated by the parser
    sensitive: tuple[str, ...]
    sections: Mapping[str, SpecSection] = field(hash=False)
    criteria: tuple[AcceptanceCriterion, ...]
    endpoints: tuple[Endpoint, ...]
    callers: tuple[str, ...]  # for a refactor: "app/billing.py:charge"
    rollback: str | None  # the operation section's rollback plan
    title: str | None = None  # the first level-1 heading
    # where things were written: front matter keys ("owner", "tier", "sensitive", ...),
    # "owner" from the accountability section when the front matter has none, "rollback"
    key_lines: Mapping[str, int] = field(default_factory=dict, hash=False)
    # the rollback plan's (line, text) pairs, its label or heading first
    rollback_lines: tuple[tuple[int, str], ...] = ()

    def criterion(self, criterion_id: str) -> AcceptanceCriterion | None:
        wanted = criterion_id.upper()
        return next((c for c in self.criteria if c.id == wanted), None)
