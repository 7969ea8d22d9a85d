"""Collect what the gate judges from git: the base's rules and the head's code.

Every read goes through git objects (never the working tree), so the gate judges exactly
the two commits it names even when the checkout has local edits.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from prodready.gate import git
from prodready.gate.change import Change
from prodready.model import Evidence, Finding
from prodready.policy.load import POLICY_FILE, parse_policy
from prodready.policy.model import Policy
from prodready.repo.codeowners import CODEOWNERS_LOCATIONS, CodeOwners, parse_codeowners
from prodready.repo.files import is_test_path
from prodready.repo.python_facts import analyse_source
from prodready.scan.cache import ScanCache
from prodready.scan.engine import FileResult, assemble, scan_source

_ROLLBACK_HEADING = re.compile(
    r"^\s*(#{1,6}\s*|\*\*)?.*\broll(ing)?[\s-]?back\b|^\s*#{1,6}.*\brevert(ing)?\s+(a\s+)?(deploy|release)",
    re.I,
)
_DOC_DIRS = ("docs/", "doc/", "runbooks/", "runbook/", "ops/", "operations/")
_MIGRATION_KINDS = {
    "alembic-empty-downgrade": "Alembic downgrade() is empty",
    "runpython-no-reverse": "RunPython without reverse_code",
    "runsql-no-reverse": "RunSQL without reverse_sql",
}


def policy_at(root: Path, rev: str, known_ids: Collection[str]) -> tuple[Policy, str | None]:
    """The policy as it is at `rev`, and the path it lives in (None: defaults)."""
    table, where = _policy_table(root, rev)
    if table is None:
        return Policy(source=None), None
    prefix = "tool.prodready." if where == "pyproject.toml" else ""
    return parse_policy(table, f"{where} at {rev[:12]}", known_ids, prefix=prefix), where


def policy_changed(root: Path, base: str, head: str) -> str | None:
    """The policy file, if the change edits the rules it is judged by."""
    before, where_before = _policy_table(root, base)
    after, where_after = _policy_table(root, head)
    if before != after:
        return where_after or where_before or POLICY_FILE
    return None


def _policy_table(root: Path, rev: str) -> tuple[dict[str, Any] | None, str | None]:
    data = git.show(root, rev, POLICY_FILE)
    if data is not None:
        return _toml(data, POLICY_FILE, rev), POLICY_FILE
    data = git.show(root, rev, "pyproject.toml")
    if data is not None:
        tool = _toml(data, "pyproject.toml", rev).get("tool")
        if isinstance(tool, dict) and isinstance(tool.get("prodready"), dict):
            return tool["prodready"], "pyproject.toml"
    return None, None


def _toml(data: bytes, name: str, rev: str) -> dict[str, Any]:
    from prodready.errors import PolicyError

    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{name} at {rev[:12]}", "", f"invalid TOML: {exc}") from exc


def codeowners_at(root: Path, rev: str) -> CodeOwners | None:
    for location in CODEOWNERS_LOCATIONS:
        data = git.show(root, rev, location)
        if data is not None:
            return parse_codeowners(data.decode("utf-8", errors="replace"), location)
    return None


def head_sources(root: Path, base: str, head: str) -> dict[str, str]:
    """Text of every changed, non-deleted file at head (binary and non-UTF-8 left out)."""
    entries = [e for e in git.changed_files(root, base, head) if e.new_blob]
    blobs = git.read_blobs(root, [e.new_blob for e in entries if e.new_blob])
    sources: dict[str, str] = {}
    for entry in entries:
        data = blobs.get(entry.new_blob or "")
        if data is None or b"\0" in data:
            continue
        try:
            sources[entry.path] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return sources


def findings_on_change(
    root: Path,
    head: str,
    change: Change,
    sources: Mapping[str, str],
    extra: Iterable[Finding],
    cache: ScanCache | None,
) -> list[Finding]:
    """Scan-rule findings and supplied SARIF findings that start on an added line.

    Some rules hold only for the application as a whole ("this app authenticates other
    routes"); when a changed file's finding needs such a fact, the rest of the code at
    head is scanned (from the cache when it can be) to learn it.
    """
    added = {f.path: frozenset(f.added) for f in change.files}
    results: dict[str, FileResult] = {}
    for path, text in sources.items():
        if path.endswith(".py") and not is_test_path(path) and added.get(path):
            results[path] = _scan(path, text.encode(), cache)
    needed = {h.condition for r in results.values() for h in r.hits if h.condition}
    known = {fact for r in results.values() for fact in r.facts}
    if needed - known:
        for path, result in _scan_tree(root, head, set(results), cache).items():
            if result.facts:
                results[path] = FileResult(facts=result.facts)  # facts only, no findings
    if cache is not None:
        cache.flush()
    findings, _errors, _stats = assemble(results)
    on_change = [f for f in findings if _touches(f, added.get(f.path, frozenset()))]
    on_change += [f for f in extra if _touches(f, added.get(f.path, frozenset()))]
    return sorted(on_change, key=lambda f: (f.path, f.line, f.rule))


def _touches(finding: Finding, added: frozenset[int]) -> bool:
    return any(
        line in added for line in range(finding.line, max(finding.line, finding.end_line) + 1)
    )


def _scan(path: str, data: bytes, cache: ScanCache | None) -> FileResult:
    digest = hashlib.sha256(data).hexdigest()
    cached = cache.get_digest(digest) if cache is not None else None
    if cached is not None:
        return cached
    result = scan_source(path, data)
    if cache is not None:
        cache.put_digest(digest, result)
    return result


def _scan_tree(
    root: Path, head: str, skip: set[str], cache: ScanCache | None
) -> dict[str, FileResult]:
    tree = ls_tree(root, head)
    wanted = {
        p: b for p, b in tree.items() if p.endswith(".py") and p not in skip and not is_test_path(p)
    }
    blobs = git.read_blobs(root, wanted.values())
    return {path: _scan(path, blobs[blob], cache) for path, blob in wanted.items() if blob in blobs}


def ls_tree(root: Path, rev: str) -> dict[str, str]:
    """path -> blob id of every file at `rev` (one `git ls-tree` call)."""
    proc = subprocess.run(
        ["git", "-c", "core.quotepath=off", "ls-tree", "-r", "-z", "--full-tree", rev],
        cwd=root,
        capture_output=True,
        check=False,
        env=git._env(),
    )
    if proc.returncode != 0:
        raise git.GitError(
            f"cannot list the files of {rev}: {proc.stderr.decode(errors='replace').strip()}"
        )
    out: dict[str, str] = {}
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            out[path.decode("utf-8", errors="replace")] = parts[2].decode()
    return out


def irreversible_migrations(change: Change, sources: Mapping[str, str]) -> list[Evidence]:
    found: list[Evidence] = []
    for f in change.files:
        if f.status == "deleted" or not f.path.endswith(".py"):
            continue
        if "/migrations/" not in f"/{f.path}" and "/versions/" not in f"/{f.path}":
            continue
        text = sources.get(f.path)
        if text is None:
            continue
        facts = analyse_source(f.path, text.encode(), is_test=False)
        for sig in facts.signals:
            if sig.kind in _MIGRATION_KINDS and (sig.line in f.added or f.status == "added"):
                found.append(Evidence(_MIGRATION_KINDS[sig.kind], f.path, sig.line))
    return found


def runbook_rollback(root: Path, head: str) -> list[Evidence]:
    """Rollback headings in the README, runbooks and docs at head."""
    tree = ls_tree(root, head)
    docs = {
        p: b
        for p, b in tree.items()
        if p.lower().endswith((".md", ".rst", ".txt"))
        and ("/" not in p or p.lower().startswith(_DOC_DIRS))
        and not is_test_path(p)
    }
    found: list[Evidence] = []
    blobs = git.read_blobs(root, docs.values())
    for path, blob in sorted(docs.items()):
        text = blobs.get(blob, b"").decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if _ROLLBACK_HEADING.search(line) and line.lstrip().startswith(("#", "*")):
                found.append(Evidence(line.strip("#* \t")[:100], path, number))
                break
    return found
