"""``prodready spec new``: a spec skeleton, pre-filled with what the repository already says.

The tier, the sensitive groups and the architecture layers come from the policy and the
owner from the CODEOWNERS default rule, so the author starts from the rules the change
will be judged by instead of a blank page. Everything else is a ``TODO`` that
``prodready spec check`` reports until it is answered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from prodready.errors import UsageError
from prodready.output import write_report
from prodready.policy.model import Policy
from prodready.repo.codeowners import find_codeowners, parse_codeowners

__all__ = ["SPEC_DIR", "default_owner", "new_spec", "spec_path", "spec_skeleton", "write_spec"]

SPEC_DIR = "specs"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Patterns that match every file: the CODEOWNERS rule a team names its default owner with.
_CATCH_ALL = ("*", "**", "/**", "/*", "/")


def spec_path(root: Path, name: str) -> Path:
    stem = name.removesuffix(".md")
    if not _NAME.fullmatch(stem) or ".." in stem:
        raise UsageError(
            f"spec name {name!r}: expected letters, digits, '.', '_' or '-' "
            "(a file name, not a path), e.g. refund-api"
        )
    return root / SPEC_DIR / f"{stem}.md"


def default_owner(root: Path) -> tuple[tuple[str, ...], str] | None:
    """Owners of the CODEOWNERS catch-all rule (the last one wins) and where it is."""
    found = find_codeowners(root)
    if found is None:
        return None
    try:
        text = found.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    rel = found.relative_to(root).as_posix()
    parsed = parse_codeowners(text, rel)
    rules = [r for r in parsed.rules if r.pattern in _CATCH_ALL and r.owners]
    if not rules:
        return None
    return rules[-1].owners, f"{rel} line {rules[-1].line}"


def spec_skeleton(root: Path, name: str, policy: Policy) -> str:
    path = spec_path(root, name)
    owner = default_owner(root)
    owner_yaml = None
    if owner is not None:
        owners = owner[0]
        # JSON strings are YAML strings, and quoting keeps "@team" from being a YAML error
        owner_yaml = json.dumps(owners[0]) if len(owners) == 1 else json.dumps(list(owners))
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("prodready", "templates"),
        autoescape=False,  # Markdown, not HTML  # noqa: S701
        keep_trailing_newline=True,
    )
    stem = path.stem
    return env.get_template("spec.md.j2").render(
        path=f"{SPEC_DIR}/{path.name}",
        title=stem.replace("-", " ").replace("_", " ").strip().capitalize() or stem,
        owner_yaml=owner_yaml,
        owner_source=owner[1] if owner else "",
        tier=policy.tier.value,
        policy_source=Path(policy.source).name if policy.source else "the default policy",
        groups=list(policy.sensitive),
        sensitive=[(group, list(globs)) for group, globs in policy.sensitive.items()],
        layers=list(policy.layers),
    )


def write_spec(root: Path, name: str, policy: Policy, *, force: bool) -> Path:
    """Write ``specs/NAME.md`` atomically; never over an existing spec without ``force``."""
    path = spec_path(root, name)
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; pass --force to overwrite it")
    text = spec_skeleton(root, name, policy)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path.parent}: cannot create directory: {exc.strerror}") from exc
    write_report(text, path)
    return path


def new_spec(root: Path, name: str, *, force: bool) -> Path:
    """``prodready spec new``: the policy of ``root`` read, the skeleton written."""
    from prodready.known import known_ids
    from prodready.policy import load_policy

    return write_spec(root, name, load_policy(root, known_ids()), force=force)
