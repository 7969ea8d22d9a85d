"""``prodready init``: a commented starter policy written from what the repository shows.

It asks nothing, so it works the same in CI as on a laptop, and it never overwrites an
existing policy unless told to.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pathspec

from prodready.errors import UsageError
from prodready.policy.load import POLICY_FILE
from prodready.policy.model import DEFAULT_SENSITIVE_GROUPS
from prodready.repo.files import is_production_path, walk_repository
from prodready.repo.project_kind import detect_kind
from prodready.repo.python_index import index_python

_LAYER_NAMES = (
    "api",
    "web",
    "views",
    "handlers",
    "service",
    "services",
    "domain",
    "core",
    "storage",
    "repository",
    "repositories",
    "db",
    "infrastructure",
)


def starter_policy(root: Path) -> str:
    repo = walk_repository(root)
    python = index_python(repo)
    kind, reason = detect_kind(repo, python)
    packages = {d.rsplit("/", 1)[-1] for d in repo.dirs if repo.is_file(f"{d}/__init__.py")}
    layers = [name for name in _LAYER_NAMES if name in packages]
    sensitive: list[tuple[str, list[str]]] = []
    for group, globs in DEFAULT_SENSITIVE_GROUPS.items():
        spec = pathspec.GitIgnoreSpec.from_lines(globs)
        hits = [f for f in repo.files if is_production_path(f) and spec.match_file(f)]
        if hits:
            shown = hits[:5] + ([f"... {len(hits) - 5} more"] if len(hits) > 5 else [])
            sensitive.append((group, shown))
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("prodready", "templates"),
        autoescape=False,  # TOML, not HTML  # noqa: S701
        keep_trailing_newline=True,
    )
    template = env.get_template("prodready.toml.j2")
    return template.render(
        tier="internal",
        kind=kind.value,
        kind_reason=reason.replace("\n", " "),
        layers=layers if len(layers) >= 2 else [],
        sensitive=sensitive,
    )


def write_starter_policy(root: Path, *, force: bool) -> Path:
    target = root / POLICY_FILE
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; pass --force to overwrite it")
    text = starter_policy(root)
    tmp = target.with_name(f".{POLICY_FILE}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target
