"""Which folders hold other projects' code, copied into the repository.

A team does not write or fix vendored code in place, so a finding there is noise to
them. Four signs, strongest first: a folder of pip-installed packages (`*.dist-info`
beside them: SickChill's `lib3/`); a folder the application puts on the import path
(`sys.path.insert(1, os.path.join(..., "lib"))`: Mylar's `lib/`) whose files carry
licence notices, known only once every file was read and so decided through facts; and
a `lib/`-like folder holding a package that no application writes for itself
(Tautulli's `lib/requests/`), or a sub-folder of one holding several (nzbToMedia's
`libs/common/requests/`, `libs/common/bs4/`); or a package with its own release number
beside a Django project's `manage.py`. A single module may say so itself, in its
header: "Vendored from twentyc.rpc (https://github.com/20c/twentyc.rpc)".
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from prodready.repo.files import read_start
from prodready.scan.context import FileContext

# Folder names under which projects keep copies of other projects' packages. A project's
# own `lib/` package is scanned unless one of the signs above says otherwise.
VENDOR_DIRS = frozenset(
    {
        "lib",
        "lib2",
        "lib3",
        "libs",
        "vendor",
        "_vendor",
        "vendored",
        "third_party",
        "thirdparty",
        "3rdparty",
        "external",
        "externals",
        "ext",
        "deps",
        "site-packages",
    }
)
_KNOWN_PACKAGES = frozenset(
    {
        "requests",
        "urllib3",
        "certifi",
        "idna",
        "chardet",
        "charset_normalizer",
        "dateutil",
        "bs4",
        "cherrypy",
        "yaml",
        "jwt",
        "oauthlib",
        "pytz",
        "simplejson",
        "markupsafe",
        "jinja2",
        "mako",
        "tornado",
        "httplib2",
        "html5lib",
        "pkg_resources",
        "attr",
        "packaging",
        "pyparsing",
        "feedparser",
        # the AWS SDKs and the Python 2/3 compatibility layer, which media managers copy
        # whole (Medusa's `lib/boto/` and `lib/future/`)
        "boto",
        "boto3",
        "botocore",
        "s3transfer",
        "future",
        "past",
        "werkzeug",
        "click",
        "cheroot",
        "jaraco",
        "more_itertools",
        "backports",
        "dns",
        "rsa",
        "pyasn1",
        "cachecontrol",
        "msgpack",
        "markdown",
        "bleach",
        "webencodings",
        "tzlocal",
        "babelfish",
        "guessit",
        "rebulk",
        "subliminal",
        "mutagen",
        "musicbrainzngs",
        "unidecode",
    }
)
# Vendored packages that are one module rather than a folder.
_KNOWN_MODULES = frozenset(
    {"six.py", "typing_extensions.py", "appdirs.py", "xmltodict.py", "configobj.py", "socks.py"}
)
# A package's own header naming the project it belongs to: "This file is part of Medusa."
_PART_OF = re.compile(r"(?i)\bthis (?:file|module|package) is part of ([A-Za-z_][\w-]*)")

# The fact a file establishes when it adds a folder so named to the import path, with
# the top-level packages that file imports: `adds-to-import-path:lib:mylar,os,sys`.
IMPORT_PATH_FACT = "adds-to-import-path:"
_PATH_ADDERS = frozenset({"sys.path.insert", "sys.path.append", "site.addsitedir"})
# The fact a file in a `lib/`-like folder establishes when its header carries a copyright
# or licence notice, as copied packages do: `notice-in:lib`. A team's own helpers put on the
# path (CLA's `libs/eligibility_calculator/`) carry none.
NOTICE_FACT = "notice-in:"
_NOTICE = re.compile(r"(?i)\bcopyright\b|\blicen[cs]ed?\b")
_HEADER_CHARS = 2000


def vendored_dirs(files: Sequence[str]) -> frozenset[str]:
    """Folders known to be vendored from the file list alone. A known package must be a
    folder (`lib/requests/`): an app's own `lib/requests.py` or `lib/jwt.py` is a wrapper
    it wrote (ConsoleMe's), and is scanned. One level further down, a sub-folder of a
    `lib/`-like folder holding two or more known packages is vendored too: nzbToMedia keeps
    requests, bs4, certifi and others in `libs/common/` and its Python 2 back-ports in
    `libs/py2/`, while its patched clients in `libs/custom/` are its own to fix. One known
    name there (`ext/github/jwt/`) may be a module of the app's own."""
    found = set()
    nested: dict[str, set[str]] = {}
    for rel in files:
        parts = rel.split("/")
        if len(parts) > 2 and parts[-2].endswith(".dist-info") and parts[-1] == "METADATA":
            found.add("/".join(parts[:-2]))
        for i, folder in enumerate(parts[:-1]):
            if folder.lower() not in VENDOR_DIRS:
                continue
            if _known(parts, i + 1):
                found.add("/".join(parts[: i + 1]))
            elif i + 2 < len(parts) and _known(parts, i + 2):
                nested.setdefault("/".join(parts[: i + 2]), set()).add(parts[i + 2])
    found.update(folder for folder, known in nested.items() if len(known) > 1)
    found.update(_released_packages_in_a_project(files))
    return frozenset(found)


# Files that make a package beside `manage.py` the Django project's own settings package.
_PROJECT_FILES = ("settings.py", "settings/__init__.py", "urls.py", "wsgi.py", "asgi.py")


def _released_packages_in_a_project(files: Sequence[str]) -> Iterator[str]:
    """Packages with a `__version__.py` beside a Django project's `manage.py`: a project
    is deployed, not released, so a package in it that carries its own release number was
    copied from a distribution (BlueKing's log platform keeps the IAM SDK, version 1.1.9,
    as its top-level `iam/`). Not the project's own settings package, whatever it holds."""
    present = set(files)
    for rel in files:
        package, _, name = rel.rpartition("/")
        if name != "__version__.py" or f"{package}/__init__.py" not in present:
            continue
        parent = package.rpartition("/")[0]
        if (f"{parent}/manage.py" if parent else "manage.py") not in present:
            continue
        if not any(f"{package}/{own}" in present for own in _PROJECT_FILES):
            yield package


def _known(parts: list[str], at: int) -> bool:
    """Is `parts[at]` a well-known package (a folder, so not the file's own name) or one
    of the well-known single-module libraries?"""
    name = parts[at]
    return (at + 1 < len(parts) and name in _KNOWN_PACKAGES) or name in _KNOWN_MODULES


def own_packages(root: Path, files: Collection[str], folders: Collection[str]) -> frozenset[str]:
    """Packages in a vendored folder that the application wrote itself: Medusa's `lib/`
    holds copies of boto and guessit, and also `lib/traktor/`, whose `__init__.py` says
    "This file is part of Medusa." beside the checkout's own `medusa/` package. Only the
    header of each package's `__init__.py` is read."""
    if not folders:
        return frozenset()
    top = {  # the checkout's own packages, at the top or under `src/`
        rel.removeprefix("src/").partition("/")[0].lower()
        for rel in files
        if rel.endswith("/__init__.py") and rel.removeprefix("src/").count("/") == 1
    }
    kept = set()
    for folder in folders:
        prefix = folder + "/"
        for rel in files:
            rest = rel.removeprefix(prefix)
            if rest == rel or rest.count("/") != 1 or not rest.endswith("/__init__.py"):
                continue
            header = read_start(root / rel, _HEADER_CHARS)
            if header is None:
                continue
            match = _PART_OF.search(header)
            if match and match.group(1).lower() in top:
                kept.add(rel.removesuffix("/__init__.py"))
    return frozenset(kept)


def vendoring_facts(ctx: FileContext) -> Iterator[str]:
    """A licence notice in a file of a `lib/`-like folder; and the folder named by
    `sys.path.insert(1, os.path.join(PROG_DIR, "lib"))`, whose packages are imported as
    top-level ones, the way installed libraries are."""
    parts = ctx.path.split("/")[:-1]
    for i, folder in enumerate(parts):
        if folder.lower() in VENDOR_DIRS and _NOTICE.search(ctx.source, 0, _HEADER_CHARS):
            yield NOTICE_FACT + "/".join(parts[: i + 1])
    if "sys.path" not in ctx.source and "addsitedir" not in ctx.source:
        return
    folders = set()
    for call in ctx.calls:
        if ctx.call_name(call) not in _PATH_ADDERS or not call.args:
            continue
        for node in ast.walk(call.args[-1]):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                folder = node.value.rstrip("/").rpartition("/")[2].lower()
                if folder in VENDOR_DIRS:
                    folders.add(folder)
    if folders:
        imported = ",".join(sorted(_top_level_imports(ctx.tree)))
        yield from (f"{IMPORT_PATH_FACT}{folder}:{imported}" for folder in sorted(folders))


def _top_level_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.partition(".")[0])
    return names


def import_path_dirs(
    facts_by_file: Mapping[str, Iterable[str]], files: Collection[str]
) -> set[str]:
    """Folders an application put on its import path that hold none of the packages the
    adding file imports. Galaxy adds its own `lib/` and then imports `galaxy` from it: that
    is its code. Mylar adds `lib/` beside its `mylar` package: the copies of rtorrent and
    mega in it, with their licence notices, are not. The folder is looked for beside the
    adding file and above it."""
    noticed: set[str] = set()
    adders: list[tuple[str, str]] = []
    for rel, facts in facts_by_file.items():
        for fact in facts:
            if fact.startswith(NOTICE_FACT):
                noticed.add(fact.removeprefix(NOTICE_FACT))
            elif fact.startswith(IMPORT_PATH_FACT):
                adders.append((rel, fact.removeprefix(IMPORT_PATH_FACT)))
    if not noticed or not adders:
        return set()
    files = set(files)
    folders = {"/".join(p[:i]) for p in (f.split("/") for f in files) for i in range(1, len(p))}
    found = set()
    for rel, fact in adders:
        folder, _, imported = fact.partition(":")
        names = [n for n in imported.split(",") if n]
        parts = rel.split("/")[:-1]
        for depth in range(len(parts), -1, -1):
            candidate = "/".join([*parts[:depth], folder])
            if candidate not in noticed:
                continue
            own = any(
                f"{candidate}/{name}" in folders or f"{candidate}/{name}.py" in files
                for name in names
            )
            if not own:
                found.add(candidate)
    return found


# A module's header saying the whole file is another project's: "Vendored from twentyc.rpc
# (https://github.com/20c/twentyc.rpc)" (PeeringDB), "This code is taken from
# https://github.com/sunhailin-Leo/fastapi_profiler" (Aim), "copy from https://gist...".
# Not "adapted from", "based on", "derived from", nor a copy "and modified": the team
# changed the code and owns it (Open Interpreter's telemetry "based on ChromaDB's"); not
# "some" or "much of" it; and not a question-and-answer site's snippet, which has no
# upstream to fix it.
_COPIED_FROM = re.compile(
    r"(?i)(?<!some )(?<!much of )(?<!parts )(?<!part )"
    r"\b(?:copied|copy|vendored|taken|lifted)\s+(?:verbatim\s+|as[- ]is\s+)?from\b"
    r"[^\n]*?https?://(?!(?:www\.)?(?:stackoverflow|\w+\.stackexchange|superuser)\.com)"
)
_MODIFIED = re.compile(r"(?i)\b(?:and|then|but)\s+(?:\w+\s+)?(?:modified|adapted|changed)\b")


def copied_from_elsewhere(source: str, tree: ast.Module) -> bool:
    """Does the module's header (the comments above its first statement and its docstring)
    say the whole file was copied from another project? A note further down, on one
    function ("Mostly copied from cpython's subprocess.py"), is not about the file."""
    if "from" not in source[:_HEADER_CHARS]:
        return False
    first = tree.body[0] if tree.body else None
    end = first.lineno - 1 if first is not None else source.count("\n") + 1
    header = "\n".join(source.split("\n", end)[:end])[:_HEADER_CHARS]
    docstring = ast.get_docstring(tree, clean=False)
    if docstring:
        header += "\n" + docstring[:_HEADER_CHARS]
    return bool(_COPIED_FROM.search(header)) and not _MODIFIED.search(header)
