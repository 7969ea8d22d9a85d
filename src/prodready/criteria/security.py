"""Security criteria that the repository's files can answer without running anything."""

from __future__ import annotations

import re

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier
from prodready.repo.files import is_production_path

_MAX_LISTED = 20
SECURITY_POLICY_FILES = (
    "SECURITY.md",
    "SECURITY.rst",
    "SECURITY.txt",
    "SECURITY",
    ".github/SECURITY.md",
    "docs/SECURITY.md",
    "docs/security.md",
    ".well-known/security.txt",
)
_SETTINGS_NAME = re.compile(r"(^|/)(settings|config)(/[^/]+|[^/]*)\.py$")
_NON_PROD_SETTINGS = re.compile(r"(dev|local|test|ci|debug|example|sample)", re.I)
_ENV_EXAMPLE = re.compile(r"\.(example|sample|template|dist|defaults?|tmpl|tpl|test|ci)$", re.I)
_SECRET_KEY = re.compile(
    r"(SECRET|TOKEN|PASSWORD|PASSWD|PWD|API_?KEY|PRIVATE|CREDENTIAL|DSN|AUTH)", re.I
)
_PUBLIC_PREFIX = ("VITE_", "NEXT_PUBLIC_", "REACT_APP_", "PUBLIC_", "NUXT_PUBLIC_", "EXPO_PUBLIC_")
_PLACEHOLDER = re.compile(
    r"^(change[-_ ]?(this|me|it)?|changethis|todo|xxx+|\*+|<.*>|\$\{?\w+\}?|your[-_].*|example.*|"
    r"dummy.*|placeholder|secret|password|test.*|dev.*|local.*|none|null|false|true|)$",
    re.I,
)
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
_KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"}
_KEY_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@criterion(
    "security.policy",
    "A security policy",
    Dimension.SECURITY,
    Layer.ACCOUNTABILITY,
    required_from=Tier.PRODUCTION,
)
def policy(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a security policy: `SECURITY.md` at the root, in `.github/` or in
        `docs/`, or `.well-known/security.txt`.
    Why it matters:
        Someone who finds a vulnerability needs to know whom to tell and how, privately.
        Without it, reports arrive as public issues or not at all.
    Example:
        A public service repository with no `SECURITY.md`.
    Fix:
        Add `SECURITY.md` saying how to report a vulnerability, what response time to
        expect and which versions get fixes.
    """
    for rel in SECURITY_POLICY_FILES:
        if ctx.repo.is_file(rel):
            return Outcome.met(Evidence("security policy", rel))
    return Outcome.gap("no SECURITY.md (root, .github/ or docs/)")


@criterion(
    "security.debug-mode",
    "Debug mode off in production settings",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.INTERNAL,
)
def debug_mode(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Finds debug mode switched on by a literal in production code: Flask
        `app.run(debug=True)`, `app.debug = True`, `app.config["DEBUG"] = True`, and
        Django `DEBUG = True` in settings modules that are not development, local or test
        settings. A value read from the environment is not flagged.
    Why it matters:
        Debug mode serves stack traces with local variables and settings to anyone, and
        Werkzeug's debugger runs arbitrary code from the browser.
    Example:
        `settings.py:26 DEBUG = True`.
    Fix:
        Drive it from the environment, off by default:
        `DEBUG = os.environ.get("DJANGO_DEBUG") == "1"`.
    """
    hits: list[Evidence] = []
    for facts in ctx.python.production():
        for sig in facts.signals:
            in_settings = sig.kind == "django-debug-true" and _is_production_settings(facts.rel)
            if sig.kind == "debug-true" or in_settings:
                hits.append(Evidence(sig.detail, facts.rel, sig.line))
    if hits:
        return Outcome.gap(
            f"debug mode enabled by a literal in {len(hits)} place(s)", *hits[:_MAX_LISTED]
        )
    return Outcome.met(Evidence("no literal debug=True in production code or settings"))


def _env_secret(text: str | None) -> tuple[int, str] | None:
    """(line, variable) of the first secret-looking variable with a real value.

    Many projects commit a `.env` of development defaults (`SECRET_KEY=changethis`) that
    the application refuses outside development; those, and public build-time variables
    (`VITE_API_URL`), are not leaked secrets.
    """
    if text is None:
        return (1, "its contents (unreadable as text)")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name = name.strip()
        value = value.split(" #", 1)[0].strip().strip("'\"")
        if name.upper().startswith(_PUBLIC_PREFIX):
            continue
        in_url = _URL_PASSWORD.search(value)
        if in_url and not _PLACEHOLDER.match(in_url.group(1)):
            return (number, name)
        if _SECRET_KEY.search(name) and not _PLACEHOLDER.match(value) and len(value) >= 6:
            return (number, name)
    return None


def _is_production_settings(rel: str) -> bool:
    if not _SETTINGS_NAME.search(rel):
        return False
    return not _NON_PROD_SETTINGS.search(rel.rsplit("/", 1)[-1])


@criterion(
    "security.secret-files",
    "No committed .env or private key files",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.INTERNAL,
)
def secret_files(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Names `.env` files (not `.env.example` and similar templates) that give a
        secret-looking variable (`*_SECRET`, `*_TOKEN`, `*PASSWORD*`, a password inside a
        URL...) a real value rather than a placeholder such as `changethis`, SSH private keys
        (`id_rsa`...), and key stores or `.pem`/`.key` files that contain a private
        key, outside tests, examples and docs, that .gitignore does not exclude.
    Why it matters:
        A committed secret is a leaked secret: every clone, fork and CI cache has it, and
        deleting the file later does not remove it from history.
    Example:
        `.env` with `DATABASE_URL=postgres://app:hunter2@db/app` at the root.
    Fix:
        Rotate the secret first, then remove the file, add it to `.gitignore`, and load
        secrets from the environment or a secret manager.
    """
    hits: list[Evidence] = []
    for rel in ctx.repo.files:
        if not is_production_path(rel):
            continue
        name = rel.rsplit("/", 1)[-1]
        if (name == ".env" or name.startswith(".env.")) and not _ENV_EXAMPLE.search(name):
            secret = _env_secret(ctx.repo.read_text(rel, limit=200_000))
            if secret is not None:
                hits.append(
                    Evidence(f"environment file with a real value for {secret[1]}", rel, secret[0])
                )
        elif name in _KEY_NAMES:
            hits.append(Evidence("SSH private key", rel))
        elif name.lower().endswith(_KEY_SUFFIXES):
            if name.lower().endswith((".p12", ".pfx", ".jks", ".keystore")):
                hits.append(Evidence("key store", rel))
                continue
            text = ctx.repo.read_text(rel, limit=200_000)
            if text is not None and _PRIVATE_KEY.search(text):
                hits.append(Evidence("private key", rel))
    if hits:
        return Outcome.gap(f"{len(hits)} secret file(s) in the repository", *hits[:_MAX_LISTED])
    return Outcome.met(Evidence("no .env, private key or key store files outside tests"))


@criterion(
    "security.vulnerabilities",
    "No known vulnerable dependencies",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
)
def vulnerabilities(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Reads the dependency scanner reports given with `--vulns` (pip-audit JSON,
        OSV-Scanner JSON) and names each vulnerable package, version, advisory and fixed
        version. Without a report the criterion is `unknown`: prodready works offline and
        does not query advisory databases itself.
    Why it matters:
        A known vulnerability with a published fix is the cheapest incident to prevent.
    Example:
        `--vulns pip-audit.json` listing `jinja2 2.11.2 GHSA-h5c8-rqwp-cp95 (fix 2.11.3)`.
    Fix:
        Upgrade to a fixed version (`pip-audit --fix`), or waive with a reason when the
        vulnerable code path is not used.
    """
    if not ctx.vulns:
        return Outcome.unknown("no vulnerability report given (pass --vulns pip-audit.json)")
    unreadable = [s for s in ctx.vulns if s.value is None]
    if unreadable:
        return Outcome.unknown(
            f"vulnerability report {unreadable[0].path} could not be read: {unreadable[0].error}"
        )
    found: list[Evidence] = []
    scanned = 0
    skipped: list[str] = []
    for supplied in ctx.vulns:
        report = supplied.value
        assert report is not None
        scanned += report.packages_scanned
        skipped.extend(report.skipped)
        for v in report.vulnerabilities:
            fix = f" (fixed in {', '.join(v.fix_versions)})" if v.fix_versions else " (no fix yet)"
            found.append(Evidence(f"{v.package} {v.version}: {v.id}{fix}", supplied.path))
    if found:
        return Outcome.gap(
            f"{len(found)} known vulnerabilit(ies) in dependencies", *found[:_MAX_LISTED]
        )
    evidence = [Evidence(f"{scanned} packages scanned, no known vulnerability", ctx.vulns[0].path)]
    if skipped:
        evidence.append(Evidence(f"not checked by the scanner: {', '.join(sorted(skipped)[:10])}"))
    return Outcome.met(*evidence)
