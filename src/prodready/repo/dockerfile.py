"""A small Dockerfile reader: instructions with their line numbers, stages resolved.

Only the handful of instructions the container criterion judges are interpreted (FROM,
ARG, USER, HEALTHCHECK); everything else is kept as text. Nothing is built or run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-case
    args: str
    line: int  # where the instruction starts


@dataclass
class Stage:
    image: str  # as written after FROM, ARGs substituted
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


_ARG_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


def parse_instructions(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if buffer and line.startswith("#"):
            continue  # comment lines inside a continuation are dropped by Docker too
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        keyword, _, args = buffer.partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
        buffer = ""
    if buffer:
        keyword, _, args = buffer.partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
    return instructions


def parse_stages(text: str) -> list[Stage]:
    """Stages in order; ARG defaults declared before the first FROM are substituted."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for ins in parse_instructions(text):
        if ins.keyword == "ARG" and not stages:
            name, _, default = ins.args.partition("=")
            if default:
                args[name.strip()] = default.strip().strip('"').strip("'")
        elif ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            if not words:
                continue
            image = _substitute(words[0], args)
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(image=image, name=alias, line=ins.line))
        elif stages:
            stages[-1].instructions.append(ins)
    return stages


def _substitute(value: str, args: dict[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        if name in args:
            return args[name]
        return fallback if fallback is not None else match.group(0)

    return _ARG_REF.sub(repl, value)


def image_pin_problem(image: str, stage_names: set[str]) -> str | None:
    """Why a base image reference is not reproducible, or None when it is pinned."""
    if image.lower() == "scratch" or image in stage_names:
        return None
    if "$" in image:
        return None  # an unresolved build argument: cannot judge, so do not accuse
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"base image {image} has no tag (means latest)"
    tag = last.rsplit(":", 1)[1]
    if tag == "latest":
        return f"base image {image} uses the latest tag"
    return None
