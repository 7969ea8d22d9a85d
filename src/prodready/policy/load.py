"""Find and validate the policy file.

Every error names the file, the key and what was expected, because a policy typo that
silently falls back to a default would loosen the gate without anyone noticing. Unknown
keys are errors for the same reason.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from prodready.errors import PolicyError
from prodready.model import Mode, ProjectKind, Tier
from prodready.policy.model import (
    DEFAULT_SENSITIVE_GROUPS,
    Component,
    Policy,
    Thresholds,
    Waiver,
)

POLICY_FILE = "prodready.toml"
_TOP_KEYS = (
    "tier",
    "kind",
    "criteria",
    "thresholds",
    "architecture",
    "sensitive",
    "component",
    "waiver",
    "dependencies",
    "scan",
)
_THRESHOLD_KEYS: dict[str, type[int] | type[float]] = {
    "max_module_lines": int,
    "max_function_lines": int,
    "min_test_ratio": float,
    "min_coverage": float,
    "min_owned_share": float,
    "min_changed_coverage": float,
    "min_mutation_score": float,
}
_WAIVER_REQUIRED = ("reason", "owner", "approved_by", "expires")
_E = TypeVar("_E", Tier, Mode, ProjectKind)


def find_policy(root: Path) -> tuple[Path, Mapping[str, Any], str] | None:
    """Return (file, table, key prefix) for the policy that governs ``root``, if any.

    ``prodready.toml`` wins over ``[tool.prodready]`` so a team can keep the gate's rules
    in a file CODEOWNERS can protect on its own.
    """
    dedicated = root / POLICY_FILE
    if dedicated.is_file():
        return dedicated, _read_toml(dedicated), ""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject)
        tool = data.get("tool")
        if isinstance(tool, dict) and "prodready" in tool:
            table = tool["prodready"]
            if not isinstance(table, dict):
                raise PolicyError(str(pyproject), "tool.prodready", "expected a table")
            return pyproject, table, "tool.prodready."
    return None


def load_policy(root: Path, known_ids: Collection[str]) -> Policy:
    found = find_policy(root)
    if found is None:
        return Policy(source=None)
    path, table, prefix = found
    return parse_policy(table, str(path), known_ids, prefix=prefix)


def parse_policy(
    table: Mapping[str, Any], source: str, known_ids: Collection[str], *, prefix: str = ""
) -> Policy:
    """Validate a policy table; ``known_ids`` are the criterion and rule ids that exist."""
    v = _Validator(source, prefix)
    for key in table:
        if key not in _TOP_KEYS:
            v.fail(key, f"unknown key; expected one of: {', '.join(_TOP_KEYS)}")
    tier = v.enum("tier", table.get("tier", Tier.INTERNAL.value), Tier)
    kind_raw = table.get("kind")
    kind = None if kind_raw is None else v.enum("kind", kind_raw, ProjectKind)
    modes = _modes(v, table.get("criteria", {}), known_ids)
    thresholds = _thresholds(v, table.get("thresholds", {}))
    layers = _layers(v, table.get("architecture", {}))
    sensitive = _sensitive(v, table.get("sensitive", {}))
    components = _components(v, table.get("component", []))
    waivers, notes = _waivers(v, table.get("waiver", []), known_ids)
    approved = _approved(v, table.get("dependencies"))
    scan = v.table("scan", table.get("scan", {}))
    for key in scan:
        if key != "blocking_confidence":
            v.fail(f"scan.{key}", "unknown key; expected: blocking_confidence")
    confidence = scan.get("blocking_confidence", "high")
    if confidence not in ("low", "medium", "high"):
        v.fail("scan.blocking_confidence", f"expected one of low, medium, high, got {confidence!r}")
    return Policy(
        source=source,
        tier=tier,
        kind=kind,
        modes=modes,
        thresholds=thresholds,
        layers=layers,
        components=components,
        waivers=waivers,
        notes=notes,
        sensitive=sensitive,
        approved_dependencies=approved,
        blocking_confidence=confidence,
    )


def _read_toml(path: Path) -> Mapping[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(str(path), "", f"cannot be read: {exc.strerror}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PolicyError(str(path), "", "expected UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), "", f"invalid TOML: {exc}") from exc


class _Validator:
    def __init__(self, source: str, prefix: str) -> None:
        self.source = source
        self.prefix = prefix

    def fail(self, key: str, expected: str) -> None:
        raise PolicyError(self.source, self.prefix + key, expected)

    def table(self, key: str, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {_type_name(value)}")
        return value  # type: ignore[no-any-return]

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected a non-empty string, got {_type_name(value)}")
        return value  # type: ignore[no-any-return]

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            self.fail(key, f"expected a list of non-empty strings, got {_type_name(value)}")
        return tuple(value)

    def enum(self, key: str, value: Any, enum: type[_E]) -> _E:
        allowed = [e.value for e in enum]
        if not isinstance(value, str) or value not in allowed:
            self.fail(key, f"expected one of {', '.join(allowed)}, got {value!r}")
        return enum(value)


def _type_name(value: Any) -> str:
    names = {dict: "a table", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)


def _modes(v: _Validator, raw: Any, known_ids: Collection[str]) -> dict[str, Mode]:
    modes: dict[str, Mode] = {}
    for cid, mode in v.table("criteria", raw).items():
        if cid not in known_ids:
            v.fail(f"criteria.{cid}", "unknown criterion id; `prodready explain --list` shows all")
        modes[cid] = v.enum(f"criteria.{cid}", mode, Mode)
    return modes


def _thresholds(v: _Validator, raw: Any) -> Thresholds:
    values: dict[str, Any] = {}
    for key, value in v.table("thresholds", raw).items():
        if key not in _THRESHOLD_KEYS:
            v.fail(
                f"thresholds.{key}", f"unknown key; expected one of: {', '.join(_THRESHOLD_KEYS)}"
            )
        kind = _THRESHOLD_KEYS[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is int and not (isinstance(value, int) and not isinstance(value, bool)):
            ok = False
        if not ok or value < 0:
            v.fail(f"thresholds.{key}", f"expected a non-negative {kind.__name__}, got {value!r}")
        if key in ("min_test_ratio", "min_owned_share") and value > 1:
            v.fail(f"thresholds.{key}", f"expected a fraction between 0 and 1, got {value!r}")
        if key in ("min_coverage", "min_changed_coverage", "min_mutation_score") and value > 100:
            v.fail(f"thresholds.{key}", f"expected a percentage between 0 and 100, got {value!r}")
        values[key] = kind(value)
    return Thresholds(**values)


def _layers(v: _Validator, raw: Any) -> tuple[str, ...]:
    table = v.table("architecture", raw)
    for key in table:
        if key != "layers":
            v.fail(f"architecture.{key}", "unknown key; expected: layers")
    layers = v.strings("architecture.layers", table.get("layers", []))
    if len(set(layers)) != len(layers):
        v.fail("architecture.layers", "expected each layer once")
    return layers


def _approved(v: _Validator, raw: Any) -> tuple[str, ...] | None:
    if raw is None:
        return None
    table = v.table("dependencies", raw)
    for key in table:
        if key != "approved":
            v.fail(f"dependencies.{key}", "unknown key; expected: approved")
    return v.strings("dependencies.approved", table.get("approved", []))


def _sensitive(v: _Validator, raw: Any) -> dict[str, tuple[str, ...]]:
    groups = dict(DEFAULT_SENSITIVE_GROUPS)
    for name, globs in v.table("sensitive", raw).items():
        groups[name] = v.strings(f"sensitive.{name}", globs)
    return groups


def _components(v: _Validator, raw: Any) -> tuple[Component, ...]:
    if not isinstance(raw, list):
        v.fail("component", "expected an array of tables ([[component]])")
    components: list[Component] = []
    for i, item in enumerate(raw, start=1):
        key = f"component[{i}]"
        table = v.table(key, item)
        for k in table:
            if k not in ("name", "path", "tier"):
                v.fail(f"{key}.{k}", "unknown key; expected one of: name, path, tier")
        path = v.string(f"{key}.path", table.get("path")).strip("/")
        if path.startswith("..") or Path(path).is_absolute():
            v.fail(f"{key}.path", "expected a path inside the repository")
        name = v.string(f"{key}.name", table.get("name", path))
        tier = v.enum(f"{key}.tier", table.get("tier", Tier.INTERNAL.value), Tier)
        components.append(Component(name=name, path=path, tier=tier))
    return tuple(components)


def _waivers(
    v: _Validator, raw: Any, known_ids: Collection[str]
) -> tuple[tuple[Waiver, ...], tuple[str, ...]]:
    """Complete waivers count; incomplete ones are reported and ignored, never fatal.

    An incomplete waiver must not stop the audit (that would let a bad waiver hide every
    other gap), and must not count (that would accept a risk nobody approved).
    """
    if not isinstance(raw, list):
        v.fail("waiver", "expected an array of tables ([[waiver]])")
    waivers: list[Waiver] = []
    notes: list[str] = []
    for i, item in enumerate(raw, start=1):
        key = f"waiver[{i}]"
        table = v.table(key, item)
        allowed = ("id", "paths", "reason", "owner", "approved_by", "expires")
        for k in table:
            if k not in allowed:
                v.fail(f"{key}.{k}", f"unknown key; expected one of: {', '.join(allowed)}")
        wid = table.get("id")
        label = f"{v.source}: {v.prefix}{key}" + (f" ({wid})" if isinstance(wid, str) else "")
        problems = [
            f"no {name}"
            for name in ("id", *_WAIVER_REQUIRED)
            if not isinstance(table.get(name), str | date) or not str(table.get(name)).strip()
        ]
        expires = _date(table.get("expires"))
        if "expires" in table and expires is None and "no expires" not in problems:
            problems.append(f"expires {table['expires']!r} is not a date (YYYY-MM-DD)")
        if isinstance(wid, str) and wid and wid not in known_ids:
            problems.append(f"id {wid!r} names no criterion or rule")
        paths = table.get("paths", [])
        if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
            problems.append("paths is not a list of globs")
            paths = []
        if problems or expires is None:
            notes.append(f"{label}: incomplete waiver does not count: {'; '.join(problems)}")
            continue
        waivers.append(
            Waiver(
                id=str(wid),
                paths=tuple(paths),
                reason=str(table["reason"]),
                owner=str(table["owner"]),
                approved_by=str(table["approved_by"]),
                expires=expires,
                index=i,
            )
        )
    return tuple(waivers), tuple(notes)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
