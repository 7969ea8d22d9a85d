"""Collect what the gate judges from git: the base's rules and the head's code.

Every read goes through git objects (never the working tree), so the gate judges exactly
the two commits it names even when the checkout has local edits.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from prodready.gate import git
from prodready.gate.change import Change, parse_python
from prodready.model import Evidence, Finding
from prodready.policy.load import POLICY_FILE, parse_policy
from prodready.policy.model import Policy
from prodready.repo.codeowners import CODEOWNERS_LOCATIONS, CodeOwners, parse_codeowners
from prodready.repo.files import is_test_path
from prodready.repo.python_facts import analyse_source
from prodready.scan.cache import ScanCache, result_key
from prodready.scan.engine import FileResult, assemble, scan_source
from prodready.scan.registry import needles_for

# A heading about undoing a release; the same words the audit's deploy.rollback looks for.
_ROLLBACK_HEADING = re.compile(
    r"\broll(ing)?[\s-]?back\b|\brevert(ing)?\s+(a\s+|the\s+)?(deploy|release)", re.I
)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_BOLD_LABEL = re.compile(r"^\s*(\*\*|__)(.+?)\1")
_RST_UNDERLINE = re.compile(r"^\s*([=\-~^*+#])\1{2,}\s*$")
_REGULAR = ("100644", "100755")
# module names where an application declares its routes, authentication, settings, models
_APP_WIRING = re.compile(
    r"view|url|api|route|endpoint|handler|resource|auth|secur|perm|setting|model|app|main|"
    r"server|[wa]sgi"
)
_RUNBOOK_PATH = re.compile(
    r"runbook|playbook|operat|(^|[/_.-])ops([/_.-]|$)|deploy|roll-?back|incident|on-?call"
)
_DOC_DIRS = ("docs/", "doc/", "runbooks/", "runbook/", "ops/", "operations/")
_MIGRATION_KINDS = {
    "alembic-empty-downgrade": "Alembic downgrade() is empty",
    "runpython-no-reverse": "RunPython without reverse_code",
    "runsql-no-reverse": "RunSQL without reverse_sql",
}


CONFIG_FILES = (POLICY_FILE, "pyproject.toml", *CODEOWNERS_LOCATIONS)


def files_at(root: Path, rev: str, paths: Iterable[str]) -> dict[str, bytes]:
    """The regular files among `paths` at `rev` (a full sha), in one ``git ls-tree`` and one
    ``git cat-file`` call; a path that is absent, a symlink or a submodule is left out."""
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    proc = git._run(root, ["ls-tree", "-z", "--full-tree", rev, "--", *wanted])
    blobs: dict[str, str] = {}
    for entry in proc.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split(b" ")
        path = name.decode("utf-8", errors="replace")
        regular = len(parts) == 3 and parts[1] == b"blob" and parts[0] in (b"100644", b"100755")
        if regular and path in wanted:
            blobs[path] = parts[2].decode()
    data = git.read_blobs(root, blobs.values())
    return {path: data[blob] for path, blob in blobs.items() if blob in data}


def policy_at(
    root: Path, rev: str, known_ids: Collection[str], files: Mapping[str, bytes] | None = None
) -> tuple[Policy, str | None]:
    """The policy as it is at `rev`, and the path it lives in (None: defaults).

    `files` are the configuration files at `rev` (from `files_at`), read here if not given."""
    files = files if files is not None else files_at(root, rev, CONFIG_FILES)
    table, where = _policy_table(files, rev)
    if table is None:
        return Policy(source=None), None
    prefix = "tool.prodready." if where == "pyproject.toml" else ""
    return parse_policy(table, f"{where} at {rev[:12]}", known_ids, prefix=prefix), where


def policy_changed(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> str | None:
    """The policy file, if the change edits the rules it is judged by.

    `before` and `after` are the configuration files at the fork point and at head. Both
    places a policy can live are compared (`prodready.toml` and `[tool.prodready]`), as
    parsed tables so that reformatting is not a change; a policy the change leaves
    unreadable is a change too (it is never an error here: the gate judges by the base)."""
    for name in (POLICY_FILE, "pyproject.toml"):
        if _policy_part(before.get(name), name) != _policy_part(after.get(name), name):
            return name
    return None


def _policy_part(data: bytes | None, name: str) -> object:
    if data is None:
        return None
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        # unreadable: its raw bytes stand in for it (a pyproject.toml only if it names us)
        return ("unreadable", data) if name == POLICY_FILE or b"prodready" in data else None
    if name == POLICY_FILE:
        return table
    tool = table.get("tool")
    return tool.get("prodready") if isinstance(tool, dict) else None


def _policy_table(files: Mapping[str, bytes], rev: str) -> tuple[dict[str, Any] | None, str | None]:
    data = files.get(POLICY_FILE)
    if data is not None:
        return _toml(data, POLICY_FILE, rev), POLICY_FILE
    data = files.get("pyproject.toml")
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


def codeowners_at(
    root: Path, rev: str, files: Mapping[str, bytes] | None = None
) -> CodeOwners | None:
    files = files if files is not None else files_at(root, rev, CODEOWNERS_LOCATIONS)
    for location in CODEOWNERS_LOCATIONS:
        data = files.get(location)
        if data is not None:
            return parse_codeowners(data.decode("utf-8", errors="replace"), location)
    return None


def head_sources(root: Path, base: str, head: str) -> dict[str, str]:
    """Text of every changed, non-deleted file at head (binary and non-UTF-8 left out)."""
    entries = [
        e
        for e in git.changed_files(root, base, head)
        if e.new_blob and e.new_mode in _REGULAR  # a symlink's blob is its target, not code
    ]
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
) -> tuple[list[Finding], list[Evidence]]:
    """Scan-rule findings and supplied SARIF findings on an added line, and the changed
    files the rules could not analyse (a syntax error, not UTF-8): their risk is unknown.

    Some rules hold only for the application as a whole ("this app authenticates other
    routes"); when a changed file's finding needs such a fact, the rest of the code at
    head is scanned (from the cache when it can be) to learn it.
    """
    added = {f.path: frozenset(f.added) for f in change.files}
    results: dict[str, FileResult] = {}
    for path, text in sources.items():
        if path.endswith(".py") and not is_test_path(path) and added.get(path):
            results[path] = _scan(path, text.encode(), cache, text)
    # only the facts that decide a hit on an added line matter: hits elsewhere are dropped
    conditions = {
        h.condition
        for path, r in results.items()
        for h in r.hits
        if h.condition
        and any(ln in added[path] for ln in range(h.line, max(h.line, h.end_line) + 1))
    }
    needed = {part for c in conditions for part in c.split("&") if not part.startswith(("!", "?"))}
    known = {fact for r in results.values() for fact in r.facts}
    if needed - known:
        for path, facts in _facts_from_tree(root, head, results, cache, needed - known).items():
            results[path] = FileResult(facts=facts)  # facts only, no findings
    # A negated fact (`!B`: "no module guards this blueprint") can only be known absent
    # after reading every file that could establish it, for the hits still standing.
    known = {fact for r in results.values() for fact in r.facts}
    negated = {
        part[1:]
        for c in conditions
        if all(p in known for p in c.split("&") if not p.startswith(("!", "?")))
        for part in c.split("&")
        if part.startswith("!") and part[1:] not in known
    }
    if negated:
        for path, facts in _negated_facts_from_tree(root, head, results, cache, negated).items():
            results[path] = FileResult(facts=facts)
    if cache is not None:
        cache.flush()
    findings, errors, _stats = assemble(results)
    on_change = [f for f in findings if _touches(f, added.get(f.path, frozenset()))]
    on_change += [f for f in extra if _touches(f, added.get(f.path, frozenset()))]
    unanalysed = [Evidence(f"could not be analysed: {e.reason}", e.path) for e in errors]
    unanalysed += [
        Evidence("could not be analysed: not UTF-8 text", f.path)
        for f in sorted(change.files, key=lambda f: f.path)
        if f.added
        and f.path.endswith(".py")
        and not is_test_path(f.path)
        and f.path not in sources
        and f.new_mode in (None, *_REGULAR)
    ]
    return sorted(on_change, key=lambda f: (f.path, f.line, f.rule)), unanalysed


def _touches(finding: Finding, added: frozenset[int]) -> bool:
    return any(
        line in added for line in range(finding.line, max(finding.line, finding.end_line) + 1)
    )


def _scan(path: str, data: bytes, cache: ScanCache | None, text: str | None = None) -> FileResult:
    digest = result_key(path, data)
    cached = cache.get_digest(digest) if cache is not None else None
    if cached is not None:
        return cached
    tree = None
    if text is not None:
        try:
            tree = parse_python(text)  # the tree the change's analysis already built
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None  # scan_source parses again and says why it cannot
    result = scan_source(path, data, tree)
    if cache is not None:
        cache.put_digest(digest, result)
    return result


def _facts_from_tree(
    root: Path,
    head: str,
    changed: Mapping[str, FileResult],
    cache: ScanCache | None,
    wanted: set[str],
) -> dict[str, frozenset[str]]:
    """Application facts from the rest of the code at head, until the `wanted` ones are known.

    Files nearest the changed ones that need a fact are read first, modules named like an
    app's wiring (views, urls, settings, auth...) before the rest of a folder, since that
    is where authentication and models are declared; reading stops once every wanted fact
    is established. Facts only add up, so the findings are the same as after reading
    everything (the order only decides how soon it stops), without scanning a whole large
    repository for a change that adds one route."""
    tree = ls_tree(root, head)
    near = {
        tuple(p.split("/")[:-1]) for p, r in changed.items() if any(h.condition for h in r.hits)
    }
    paths = sorted(
        (p for p in tree if p.endswith(".py") and p not in changed and not is_test_path(p)),
        key=lambda p: (-_closeness(p, near), not _APP_WIRING.search(p.rsplit("/", 1)[-1]), p),
    )
    found: dict[str, frozenset[str]] = {}
    missing = set(wanted)
    start, size = 0, 32
    while start < len(paths) and missing:
        chunk = paths[start : start + size]
        start, size = start + size, min(size * 2, 1024)
        blobs = git.read_blobs(root, [tree[p] for p in chunk])
        for path in chunk:
            data = blobs.get(tree[path])
            if data is None:
                continue
            facts = _scan(path, data, cache).facts
            if facts:
                found[path] = facts
                missing -= facts
                if not missing:
                    break
    return found


def _negated_facts_from_tree(
    root: Path,
    head: str,
    changed: Mapping[str, FileResult],
    cache: ScanCache | None,
    negated: set[str],
) -> dict[str, frozenset[str]]:
    """The facts of every other file at head that could establish one of `negated`: the
    rules name what such a file must contain, so the rest are read but never parsed. A
    fact without such a hint means every file is scanned."""
    hints = [needles_for(fact) for fact in negated]
    needles = None if any(h is None for h in hints) else {n for h in hints for n in h or ()}
    tree = ls_tree(root, head)
    paths = sorted(
        p for p in tree if p.endswith(".py") and p not in changed and not is_test_path(p)
    )
    found: dict[str, frozenset[str]] = {}
    for start in range(0, len(paths), 1024):
        chunk = paths[start : start + 1024]
        blobs = git.read_blobs(root, [tree[p] for p in chunk])
        for path in chunk:
            data = blobs.get(tree[path])
            if data is None or (needles is not None and not any(n in data for n in needles)):
                continue
            facts = _scan(path, data, cache).facts
            if facts:
                found[path] = facts
    return found


def _closeness(path: str, near: set[tuple[str, ...]]) -> int:
    """How many leading folders `path` shares with the nearest changed file."""
    folders = path.split("/")[:-1]
    best = 0
    for other in near:
        shared = 0
        for a, b in zip(folders, other, strict=False):
            if a != b:
                break
            shared += 1
        best = max(best, shared)
    return best


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
    """Rollback headings in the README, runbooks and operations docs at head.

    Only headings count (a Markdown ``#`` heading, a bold label line, or a reStructuredText
    title underlined on the next line): a passing mention ("we never roll back") or a
    bullet in a changelog is not a plan. Only documents about running the service are
    read (see `_is_runbook`): a product manual's "Why no rollback hook?" about database
    transactions is not a plan for undoing a release either."""
    tree = ls_tree(root, head)
    docs = {p: b for p, b in tree.items() if _is_runbook(p)}
    found: list[Evidence] = []
    blobs = git.read_blobs(root, docs.values())
    for path, blob in sorted(docs.items()):
        data = blobs.get(blob, b"")
        lower = data.lower()  # a plain substring test first: most documents never say it
        if b"roll" not in lower and b"revert" not in lower:
            continue
        lines = data.decode("utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            if not _ROLLBACK_HEADING.search(line):
                continue
            title = _heading(line, lines[number : number + 1])
            if title and _ROLLBACK_HEADING.search(title):
                found.append(Evidence(title[:100], path, number))
                break
    return found


def _is_runbook(path: str) -> bool:
    """Prose at the root (README, RUNBOOK.md...), or under a documentation folder with a
    path about operating the service (docs/runbooks/, docs/deploy.md, ops/...)."""
    lower = path.lower()
    if not lower.endswith((".md", ".rst", ".txt")) or is_test_path(path):
        return False
    if "/" not in path:
        return True
    return lower.startswith(_DOC_DIRS) and bool(_RUNBOOK_PATH.search(lower))


def _heading(line: str, following: list[str]) -> str | None:
    """The title if `line` is a heading: Markdown ``#``, a bold label (``**Rollback:**
    redeploy``), or reStructuredText text underlined on the next line."""
    if _MARKDOWN_HEADING.match(line):
        return line.strip().strip("#").strip()
    bold = _BOLD_LABEL.match(line)
    if bold:
        return bold.group(2).strip(" :")
    if line.strip() and following and _RST_UNDERLINE.match(following[0]):
        return line.strip()
    return None
