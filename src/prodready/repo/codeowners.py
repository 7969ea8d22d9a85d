"""Who owns a file, as the forge (GitHub or GitLab) would answer it.

The ownership criterion asks "does every production source file have an accountable
owner?". Answering that with a home-made glob matcher would disagree with the forge on
exactly the edge cases people rely on (anchoring, directory patterns, ``**``), so the
gitignore translation is delegated to ``pathspec`` and only the CODEOWNERS-specific
differences live here:

* GitHub: the last matching rule wins; a rule with no owners makes a path unowned;
  ``!`` negation and ``[ ]`` ranges are not supported, so such lines are reported and
  skipped (GitHub skips them too) instead of being guessed at; a pattern whose last
  segment is a lone ``*`` (``docs/*``) matches only direct children.
* GitLab: ``[Section]`` / ``^[Optional]`` / ``[Section][2]`` headers with default owners;
  the last match wins *within* a section and every section applies, so the owners of a
  path are the union over sections. Patterns without a leading ``/`` match at any depth,
  only a trailing ``/`` matches a directory's contents, and ``!pattern`` excludes paths
  from the section's ownership.

Lines that cannot be parsed never raise: a CODEOWNERS file is outside input, and one bad
line must not hide the ownership the other lines do establish.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec.util

__all__ = [
    "CODEOWNERS_LOCATIONS",
    "CodeOwners",
    "OwnerRule",
    "OwnerSection",
    "find_codeowners",
    "parse_codeowners",
]

# GitHub's documented search order, then GitLab's only extra location. GitLab itself
# looks at the root, docs/ and then .gitlab/; a repository is hosted on one forge, and
# .github/ is never read by GitLab, so one list serves both.
CODEOWNERS_LOCATIONS: tuple[str, ...] = (
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
)

# @user, @org/team, GitLab's @group/nested/subgroup and @@role.
_HANDLE = re.compile(r"@@?[A-Za-z0-9_](?:[A-Za-z0-9_.-]*)(?:/[A-Za-z0-9_.-]+)*")
_EMAIL = re.compile(r"[^@\s/]+@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\.[A-Za-z0-9-]+)+")
# A token is a run of non-space characters where ``\x`` escapes anything (``\ `` keeps a
# space inside a pattern); a dangling backslash stays in the token so pathspec rejects it.
_TOKEN = re.compile(r"(?:\\.|[^\s\\]|\\)+")
_SECTION = re.compile(r"(?P<optional>\^)?\[(?P<name>[^\]]*)\](?:\[(?P<approvals>[^\]]*)\])?")


@dataclass(frozen=True)
class OwnerRule:
    """One pattern line. ``owners`` already includes a GitLab section's default owners."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    section: str | None


@dataclass(frozen=True)
class OwnerSection:
    """A GitLab section header, kept because optional sections do not require approval."""

    name: str
    line: int
    optional: bool
    approvals: int | None  # ``[Section][2]``; None when the header does not say
    default_owners: tuple[str, ...]


@dataclass(frozen=True)
class _Lookup:
    """The decisive rules for one path: one per section that has a match, in section order."""

    rules: tuple[OwnerRule, ...]


@dataclass(frozen=True)
class CodeOwners:
    """A parsed CODEOWNERS file that answers ownership questions for repository paths."""

    path: str
    rules: tuple[OwnerRule, ...]
    problems: tuple[tuple[int, str], ...]
    sections: tuple[OwnerSection, ...] = ()
    _matcher: _Matcher = field(init=False, repr=False, compare=False)
    _cache: dict[str, _Lookup] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", _Matcher(self.rules, gitlab=self.dialect == "gitlab"))

    @property
    def dialect(self) -> str:
        """``"gitlab"`` when the file can only be GitLab's, else ``"github"``.

        Section headers are invalid on GitHub and ``.gitlab/`` is never read by it, so
        either one settles the question; everything else is read with GitHub's rules,
        which is what the large majority of CODEOWNERS files are written for.
        """
        named = self.sections or any(rule.section is not None for rule in self.rules)
        return "gitlab" if named or _in_gitlab_dir(self.path) else "github"

    def owners_of(self, rel_path: str) -> tuple[str, ...]:
        """Owners the forge would request for ``rel_path``; () when nobody owns it."""
        owners: dict[str, None] = {}
        for rule in self._lookup(rel_path).rules:
            owners.update(dict.fromkeys(rule.owners))
        return tuple(owners)

    def rule_for(self, rel_path: str) -> OwnerRule | None:
        """The rule that decides ownership, for pointing a report at a CODEOWNERS line.

        With GitLab sections several rules apply at once; this is the decisive rule of
        the last section that matches, as that is the one a reader looks for first.
        """
        rules = self._lookup(rel_path).rules
        return rules[-1] if rules else None

    def _lookup(self, rel_path: str) -> _Lookup:
        found = self._cache.get(rel_path)
        if found is None:
            found = _Lookup(self._matcher.decisive(_normalise(rel_path)))
            self._cache[rel_path] = found
        return found


def _in_gitlab_dir(path: str) -> bool:
    return path.replace("\\", "/").removeprefix("./").startswith(".gitlab/")


def _normalise(rel_path: str) -> str:
    path = rel_path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


class _Index:
    """Which rules could possibly match a path, found without trying every rule.

    A lookup runs for every file of a large repository, and trying 300 regexes per file
    (most of them ``(?:.+/)?``-style, which backtrack over the whole path) is too slow.
    Nearly every CODEOWNERS rule names something literal the path must contain: an
    anchored rule its leading directories (``/src/billing/``), an unanchored one a whole
    segment (``Makefile``, ``**/migrations/``) or a file extension (``*.py``). Indexing
    rules by that literal narrows a lookup to a handful of candidates; the rest (rare
    shapes such as ``/**/x`` or ``*_test``) are always tried. The index only ever rules
    out rules that cannot match, so the regex still decides.
    """

    def __init__(self, rules: list[tuple[OwnerRule, _Translated]]) -> None:
        self.rules = [rule for rule, _ in rules]
        self.regexes = [translated.regex for _, translated in rules]
        self.required = [translated.required for _, translated in rules]
        self.always: list[int] = []
        self.by_prefix: dict[tuple[str, ...], list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_suffix: dict[str, list[int]] = {}
        for position, (_, translated) in enumerate(rules):
            kind, key = translated.index
            if kind == "prefix" and isinstance(key, tuple) and key:
                self.by_prefix.setdefault(key, []).append(position)
            elif kind == "name" and isinstance(key, str):
                self.by_name.setdefault(key, []).append(position)
            elif kind == "suffix" and isinstance(key, str):
                self.by_suffix.setdefault(key, []).append(position)
            else:
                self.always.append(position)
        self.depths = sorted({len(key) for key in self.by_prefix})

    def last_match(self, path: str) -> OwnerRule | None:
        """The last rule in file order that matches ``path``."""
        segments = path.split("/")
        candidates = set(self.always)
        for depth in self.depths:
            if depth > len(segments):
                break
            candidates.update(self.by_prefix.get(tuple(segments[:depth]), ()))
        for segment in segments:
            candidates.update(self.by_name.get(segment, ()))
            if "." in segment:
                candidates.update(self.by_suffix.get(segment.rsplit(".", 1)[1], ()))
        for position in sorted(candidates, reverse=True):
            # a substring test is ~20x cheaper than a regex that fails by backtracking
            if self.required[position] in path and self.regexes[position].search(path):
                return self.rules[position]
        return None


class _Matcher:
    """Per-section indexes built once from the rules."""

    def __init__(self, rules: Iterable[OwnerRule], *, gitlab: bool) -> None:
        owned: dict[str | None, list[tuple[OwnerRule, _Translated]]] = {}
        excluded: dict[str | None, list[tuple[OwnerRule, _Translated]]] = {}
        order: list[str | None] = []
        for rule in rules:
            key = None if rule.section is None else rule.section.casefold()
            if key not in order:
                order.append(key)
            exclusion = gitlab and rule.pattern.startswith("!")
            pattern = rule.pattern[1:] if exclusion else rule.pattern
            try:
                translated = _translate(pattern, gitlab=gitlab)
            except ValueError:
                translated = None  # only reachable for rules built by hand, not parsed
            if translated is None:
                continue
            target = excluded if exclusion else owned
            target.setdefault(key, []).append((rule, translated))
        # The unnamed section (rules before any header) comes first, then file order.
        if None in order:
            order.remove(None)
            order.insert(0, None)
        self.sections = [
            (_Index(owned.get(key, [])), _Index(excluded.get(key, []))) for key in order
        ]

    def decisive(self, path: str) -> tuple[OwnerRule, ...]:
        found: list[OwnerRule] = []
        for owned, excluded in self.sections:
            # GitLab: an exclusion anywhere in the section wins over any order of rules.
            rule = excluded.last_match(path) or owned.last_match(path)
            if rule is not None:
                found.append(rule)
        return tuple(found)


def _pattern_factory() -> Callable[[str], Any]:
    """pathspec >= 1.0 names the documented gitignore semantics "gitignore".

    That variant already treats a trailing lone ``*`` as "direct children only", which is
    what GitHub does; 0.12 only has "gitwildmatch", which ``_translate`` corrects.
    """
    try:
        return pathspec.util.lookup_pattern("gitignore")
    except KeyError:  # pragma: no cover - pathspec < 1.0
        return pathspec.util.lookup_pattern("gitwildmatch")


_PATTERN = _pattern_factory()
_GLOB_CHARS = frozenset("*?[]\\")
_GLOB_RUN = re.compile(r"[*?\[\]\\]+")
_BRACKET = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class _Translated:
    regex: re.Pattern[str]  # for re.search, like pathspec's own
    index: tuple[str, tuple[str, ...] | str | None]  # see _Index
    required: str  # literal text every matching path contains


def _translate(pattern: str, *, gitlab: bool) -> _Translated | None:
    """Compile one CODEOWNERS pattern (without a GitLab ``!``) for matching file paths.

    Returns None when the pattern matches nothing; raises ValueError when pathspec or
    ``re`` rejects it, so the parser can report the line.
    """
    subtree = pattern.endswith("/")
    if gitlab and not pattern.startswith("/") and not pattern.startswith("**/"):
        pattern = "**/" + pattern  # GitLab: a relative path matches at any depth
    # pathspec 0.12's class is deprecated in 1.x, and ``re`` warns about "[[" sets in
    # GitLab ranges; neither is something a user of prodready can act on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        try:
            compiled = _PATTERN(pattern)
        except (ValueError, TypeError, IndexError, re.error, RecursionError) as exc:
            raise ValueError(str(exc) or "invalid pattern") from exc
        source = getattr(getattr(compiled, "regex", None), "pattern", None)
        if not isinstance(source, str) or not getattr(compiled, "include", True):
            return None
        if pattern.rstrip("/").rsplit("/", 1)[-1] == "*" and not subtree:
            # gitwildmatch (pathspec 0.12) lets "docs/*" match docs/a/b through the
            # directory docs/a; GitHub matches direct children only.
            source = source.replace("(?P<ps_d>/)", "(?!)")
        if gitlab and not subtree:
            # GitLab matches the file path itself (fnmatch), not the contents of a
            # directory that happens to match; only a trailing "/" means "everything below".
            source = f"(?:{source})\\Z"
        try:
            regex = re.compile(source)
        except (re.error, RecursionError, OverflowError) as exc:
            raise ValueError(str(exc)) from exc
    return _Translated(regex, _index_key(pattern), _required_text(pattern))


def _index_key(pattern: str) -> tuple[str, tuple[str, ...] | str | None]:
    """What literal text a path must contain for ``pattern`` to match it (see _Index)."""
    body = pattern.rstrip("/")
    if body.startswith("**/"):
        while body.startswith("**/"):
            body = body[3:]
        return _segment_key(body.split("/", 1)[0])
    if "/" in body:  # gitignore: a slash anywhere but at the end anchors to the root
        prefix: list[str] = []
        for segment in body.lstrip("/").split("/"):
            if not segment or not _GLOB_CHARS.isdisjoint(segment):
                break
            prefix.append(segment)
        return ("prefix", tuple(prefix))
    return _segment_key(body)


def _required_text(pattern: str) -> str:
    """The longest literal run of ``pattern``; a path without it cannot match.

    Bracket expressions are dropped (their letters are alternatives, not requirements),
    and slashes are trimmed from each run because ``**/`` may match nothing at all.
    """
    runs = _GLOB_RUN.split(_BRACKET.sub("*", pattern))
    return max((run.strip("/") for run in runs), key=len, default="")


def _segment_key(segment: str) -> tuple[str, tuple[str, ...] | str | None]:
    if segment and _GLOB_CHARS.isdisjoint(segment):
        return ("name", segment)
    rest = segment[1:]
    if segment.startswith("*") and "." in rest and _GLOB_CHARS.isdisjoint(rest):
        return ("suffix", rest.rsplit(".", 1)[1])
    return ("always", None)


def find_codeowners(root: Path) -> Path | None:
    """The CODEOWNERS file the forge would use: the first that exists, in search order."""
    for location in CODEOWNERS_LOCATIONS:
        candidate = root / location
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def parse_codeowners(text: str, path: str) -> CodeOwners:
    """Parse CODEOWNERS text; ``path`` is where it was found, relative to the repository.

    Every non-blank, non-comment line ends up as exactly one rule, section header or
    problem, so a reader of the report can account for the whole file.
    """
    lines = text.split("\n")
    # Headers are decided up front because they change what the other lines may say
    # (GitLab allows ``[ ]`` ranges and ``!`` exclusions; GitHub does not).
    gitlab = _in_gitlab_dir(path) or any(_names_section(_strip(line)) for line in lines)
    rules: list[OwnerRule] = []
    problems: list[tuple[int, str]] = []
    sections: list[OwnerSection] = []
    canonical: dict[str, str] = {}
    section: str | None = None
    defaults: tuple[str, ...] = ()
    for number, raw in enumerate(lines, start=1):
        line = _strip(raw)
        if not line or line.startswith("#"):
            continue
        header = _parse_header(line)
        if header is not None:
            parsed, problem = _section_from_header(header, number)
            if problem:
                problems.append((number, problem))
            if parsed is not None:
                sections.append(parsed)
                section = canonical.setdefault(parsed.name.casefold(), parsed.name)
                defaults = parsed.default_owners
            continue
        rule, problem = _parse_rule(line, number, section, defaults, gitlab=gitlab)
        if problem is not None:
            problems.append((number, problem))
        elif rule is not None:
            rules.append(rule)
    return CodeOwners(
        path=path, rules=tuple(rules), problems=tuple(problems), sections=tuple(sections)
    )


def _strip(raw: str) -> str:
    line = raw.strip()
    # "\ " at the end of a pattern is an escaped space, which strip() just cut in half.
    if line.endswith("\\") and raw.rstrip("\r\n").endswith("\\ "):
        line += " "
    return line


def _names_section(line: str) -> bool:
    header = _parse_header(line)
    return header is not None and bool(header[0]["name"].strip())


def _parse_header(line: str) -> tuple[re.Match[str], list[str]] | None:
    """A GitLab section header, or None when the line is an ordinary rule."""
    found = _SECTION.match(line)
    if found is None:
        return None
    rest = line[found.end() :]
    if rest and not rest[0].isspace():
        return None  # "[abc]*.py" is a pattern with a range, not a header
    return found, _owner_tokens(rest)


def _section_from_header(
    header: tuple[re.Match[str], list[str]], number: int
) -> tuple[OwnerSection | None, str | None]:
    found, tokens = header
    name = found["name"].strip()
    if not name:
        return None, "section header has no name"
    approvals: int | None = None
    problem: str | None = None
    raw_approvals = found["approvals"]
    if raw_approvals is not None:
        if raw_approvals.strip().isdigit():
            approvals = int(raw_approvals.strip())
        else:
            problem = f"approval count {raw_approvals!r} is not a number"
    owners, bad = _split_owners(tokens)
    if bad:
        problem = _bad_owners(bad)
    section = OwnerSection(
        name=name,
        line=number,
        optional=found["optional"] is not None,
        approvals=approvals,
        default_owners=owners,
    )
    return section, problem


def _parse_rule(
    line: str,
    number: int,
    section: str | None,
    defaults: tuple[str, ...],
    *,
    gitlab: bool,
) -> tuple[OwnerRule | None, str | None]:
    tokens = _TOKEN.findall(line)
    if not tokens:
        return None, None
    pattern, rest = tokens[0], tokens[1:]
    problem = _pattern_problem(pattern, gitlab=gitlab)
    if problem is not None:
        return None, problem
    owners, bad = _split_owners(_until_comment(rest))
    if bad:
        return None, _bad_owners(bad)
    exclusion = gitlab and pattern.startswith("!")
    if exclusion and owners:
        return None, f"exclusion pattern {pattern!r} cannot have owners"
    if not owners and not exclusion:
        owners = defaults
    return OwnerRule(pattern=pattern, owners=owners, line=number, section=section), None


def _pattern_problem(pattern: str, *, gitlab: bool) -> str | None:
    if pattern.startswith("!") and not gitlab:
        return f"negation {pattern!r} is not supported in CODEOWNERS; the line is ignored"
    if not gitlab and _has_unescaped(pattern, "["):
        return f"character ranges in {pattern!r} are not supported in CODEOWNERS"
    body = pattern[1:] if pattern.startswith("!") else pattern
    if not body:
        return f"pattern {pattern!r} matches nothing"
    try:
        translated = _translate(body, gitlab=gitlab)
    except ValueError as exc:
        return f"invalid pattern {pattern!r}: {exc}"
    if translated is None:
        return f"pattern {pattern!r} matches nothing"
    return None


def _has_unescaped(text: str, char: str) -> bool:
    escaped = False
    for current in text:
        if escaped:
            escaped = False
        elif current == "\\":
            escaped = True
        elif current == char:
            return True
    return False


def _owner_tokens(rest: str) -> list[str]:
    return _until_comment(_TOKEN.findall(rest))


def _until_comment(tokens: list[str]) -> list[str]:
    """Owners stop at an inline ``# comment``, as GitHub reads them."""
    for index, token in enumerate(tokens):
        if token.startswith("#"):
            return tokens[:index]
    return tokens


def _split_owners(tokens: list[str]) -> tuple[tuple[str, ...], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for token in tokens:
        if _HANDLE.fullmatch(token) or _EMAIL.fullmatch(token):
            good.append(token)
        else:
            bad.append(token)
    return tuple(dict.fromkeys(good)), bad


def _bad_owners(bad: list[str]) -> str:
    listed = ", ".join(repr(token) for token in bad[:3])
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    return (
        f"{listed}{more} {'is' if len(bad) == 1 else 'are'} not a valid owner "
        "(expected @user, @org/team or an email address); the line is ignored"
    )
