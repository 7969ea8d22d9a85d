"""PR109 hardcoded-secret: credentials written into code and settings."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterator

from prodready.scan.context import FileContext
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._names import (
    innermost_function,
    leaf_name,
    looks_like_secret,
    scope_of,
    sensitive_word,
    string_value,
    walk_own,
    words,
)
from prodready.scan.rules._paths import developer_script

# Formats that are credentials wherever they appear (code, strings, comments). Each pattern
# starts with a fixed string, which lets the regex engine skip through a file as fast as
# `str.find`; the word boundary before a match is checked by hand (a leading `\b` would
# make every pattern scan character by character).
_KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (what, re.compile(pattern))
    for what, pattern in (
        ("an AWS access key id", r"AKIA[0-9A-Z]{16}\b"),
        ("an AWS access key id", r"ASIA[0-9A-Z]{16}\b"),
        ("a Stripe live secret key", r"k_live_[0-9a-zA-Z]{24,}"),
        ("a Stripe webhook signing secret", r"whsec_[0-9a-zA-Z]{32,}"),
        ("a GitHub token", r"gh(?:[pousr]_[0-9A-Za-z]{36}\b|ithub_pat_[0-9A-Za-z_]{60,})"),
        ("a GitLab token", r"glpat-[0-9A-Za-z_\-]{20,}"),
        # Slack ids are eight digits or more (`xoxb-1234-1234-...` is a format shown in
        # documentation); `xoxe.xoxp-1-...` configuration tokens are long instead.
        ("a Slack token", r"xox[abposr]-(?:\d{8,}-[0-9A-Za-z\-]{10,}|\d-[0-9A-Za-z]{40,})"),
        (
            "a Slack webhook URL",
            r"https://hooks\.slack\.com/(?:services/T[0-9A-Z]{6,}/B[0-9A-Z]{6,}/[0-9A-Za-z]{24}"
            r"|(?:workflows|triggers)/T[0-9A-Z]{6,}/A[0-9A-Z]{6,}/[0-9A-Za-z/]{20,})",
        ),
        (
            "a private key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:\\[nr]|[\s\"'(+]|#[^\n]*)*[A-Za-z0-9+/=]{40,}"
            r"(?:[^-]{0,8000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?",
        ),
        ("a Google API key", r"AIza[0-9A-Za-z_\-]{35}\b"),
        ("a SendGrid API key", r"SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43}\b"),
        (
            "an OpenAI or Anthropic API key",
            r"sk-(?:proj|svcacct|admin|ant-[a-z0-9]+)-[0-9A-Za-z_\-]{20,}",
        ),
        ("an npm token", r"npm_[0-9A-Za-z]{36}\b"),
        ("a PyPI token", r"pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_\-]{50,}"),
        ("a HashiCorp Vault token", r"hv[sb]\.[0-9A-Za-z_\-]{24,}"),
    )
)
_KNOWN_PLACEHOLDERS = ("EXAMPLE", "XXXX", "xxxx")
# Keys in a known format that their owner publishes for everyone to use, so they protect
# nothing: the key in every Google Chat incoming-webhook URL, the same for all spaces
# (the URL's `token` is the secret); the InnerTube keys of YouTube's web, Android and iOS
# clients, served in every YouTube page as `INNERTUBE_API_KEY` (Streamlink reads it from
# the page and keeps the web one as a fallback).
_PUBLISHED_KEYS = frozenset(
    {
        "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        "AIzaSyAO_FJ2SlqU8Q4STEHLGCilw_Y9_11qcW8",
        "AIzaSyA8eiZmM1FaDVjRy-df2KTyQ_vz_yYM39w",
        "AIzaSyB-63vPrdThhKuerbB2N_l7Kwwcxj6yUAc",
    }
)
# A password inside a URL: scheme://user:password@host (searched from the literal `://`,
# which keeps the regex fast; the scheme is read backwards by hand)
_URL_CREDENTIALS = re.compile(r"://[^:/@\s\"']*:([^@/\s\"']+)@")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_ENV_LOOKUPS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv", "config", "env"})
_BASIC_AUTH = frozenset(
    {"HTTPBasicAuth", "HTTPDigestAuth", "BasicAuth", "aiohttp.BasicAuth", "httpx.BasicAuth"}
)
_CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
_SECRET_WRAPPERS = frozenset({"SecretStr", "SecretBytes", "Secret"})
# Command-line options that take a credential: `["docker", "login", "-p", "..."]`.
_CLI_SECRET_OPTIONS = frozenset(
    {
        "-p",
        "--password",
        "--pass",
        "--token",
        "--api-key",
        "--apikey",
        "--secret",
        "--client-secret",
    }
)
_CLI_SECRET_INLINE = re.compile(
    r"(?i)(?:^|[\s\-=])(password|passwd|pass|token|secret|api[_\-]?key|client[_\-]?secret)"
    r"[=:]([^\s'\"]+)"
)
_COMMAND_RUNNERS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "os.system",
        "os.popen",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
    }
)
# callable leaf -> index of the positional argument that is a key or password
_KEY_ARGUMENTS = {"hmac.new": 0, "jwt.encode": 1, "jwt.decode": 1, "Fernet": 0}
# The last part of every callable whose positional arguments are judged.
_POSITIONAL_LEAVES = frozenset(
    {
        *_SECRET_WRAPPERS,
        *(n.rsplit(".", 1)[-1] for n in _COMMAND_RUNNERS | _ENV_LOOKUPS | _BASIC_AUTH),
        *(n.rsplit(".", 1)[-1] for n in _KEY_ARGUMENTS),
        "getenv",
        "get",
        "login",
    }
)

# Words one of which a line comparing a credential with a literal must contain.
_COMPARED_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "cred")


@rule(
    "PR109",
    "hardcoded-secret",
    "hardcoded-secret",
    severity="error",
    confidence="low",
    surer=("high", "known key formats such as AWS, Stripe, GitHub and Slack keys"),
)
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds credentials written into code or settings: known key formats anywhere in the
        file, comments included (AWS access key ids, Stripe live and webhook secrets,
        GitHub, GitLab and Slack tokens, Slack webhook URLs, private keys, Google, SendGrid,
        OpenAI, npm and PyPI keys); passwords inside URLs
        (`postgresql://app:s3cr3t@db/app`); and literals that look generated or chosen (long
        enough, mixed characters, high entropy) assigned to a name, dictionary key, keyword
        argument or default whose name is a credential (password, secret, token, api_key,
        secret_key, authorization, ...), given as the fallback of an environment lookup,
        passed as a password to `HTTPBasicAuth`, `auth=(user, password)`, `smtp.login()`, as
        the key of `hmac.new()`/`jwt.encode()`, or compared with a password. Not flagged:
        empty strings, environment lookups without a literal fallback, URLs without a
        password, names such as `PASSWORD_FIELD = "password"`, `TOKEN_URL`, a cache's key
        (`JWT_CACHE_KEY`), header names,
        placeholders (`"changeme"`, `"<token>"`, `"${SECRET}"`, an auth template's
        `"Bearer {access_token}"`, a settings template's
        `"$SECRET_KEY"`, a build-time `"__POSTHOG_API_KEY__"`), labels shown to people
        (`"Change password": "…"` in a translation table), plain words and labels
        (`OBSERVATION_TOKEN = "Observation:"`, a marker in a model's prompt), short
        development defaults
        (`"dev"`), publishable and
        test-mode Stripe keys, the documentation example keys (`AKIA...EXAMPLE`) and
        formats (`xoxb-1234-1234-...`, shorter than Slack's ids), the keys Google publishes
        in every Chat webhook URL and every YouTube page (InnerTube), public keys
        (`JWT_PUBLIC_KEY`), import paths (`"api-token": "app.factories:APIToken"`),
        Django model paths (`ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"`) and
        regular expressions (an API route `r"credentials/\\d+/"`, a pattern that finds the
        password in a URL, `r"://[^:]+:(.*?)@"`).
        In development or CI settings modules (`settings/local_dev.py`, `settings/ci.py`,
        `config/dev.py`, `dev_settings.py`) and the settings of a demo or development
        project (`demodesk/config/settings.py`, `devproject/settings.py`), whose keys
        production replaces, in the development and test classes of a settings module
        (django-configurations' `class Development(Base):`, `class Test(Base):`),
        and in developer scripts (under a top-level `scripts/`,
        `tools/`, `dev/`, `extras/`... folder, a program run by hand under a top-level
        `utils/`, `bin/` or `docker/`, a stand-alone program at the top of the checkout
        or in a nested `scripts/` folder, end-to-end test support in an `e2e/` folder
        (the seeded test users' password), a top-level `qa/` file importing no web
        framework, or a `checker.py`/`exploit.py` harness importing no web framework),
        only the known key
        formats and passwords inside URLs are reported; so in factory_boy test-data modules
        (`factories.py` importing `factory`). A command-line option (`"--passphrase-fd 0"`)
        or a `setting=value` rule (`"sms_provider=ovh"`) is not a credential, nor is a
        dictionary word with a run of digits (`"password1234"`, `"Test12345!"`) in a
        function or file named for development or test data (`create_dev_user()`,
        `add_test_users.py`). A known key format assigned to a name made for tests or
        samples (`SSL_TEST_PRIVATE_CA_KEY`, `FAKE_GITHUB_TOKEN`), or written in a
        development or test configuration class of a settings module (`class
        TestingConfig(DevelopmentConfig):`), is low confidence: most are fixtures, but a
        real key put there is still leaked.
    Why it matters:
        A credential in the repository is readable by everyone with access to the code,
        its forks, its CI logs and its history, forever: deleting the line does not
        revoke it. Leaked cloud and payment keys are found and abused within minutes of
        being pushed.
    Example:
        `STRIPE_SECRET_KEY = "sk_live_..."`, or
        `DATABASES = {"default": {"PASSWORD": "Pr0d-Db-2024!"}}`
    Fix:
        Revoke and rotate the credential now, then read it at run time from the
        environment or a secret manager (`os.environ["STRIPE_SECRET_KEY"]`), with no
        literal fallback; keep example values obviously fake (`"changeme"`).
    """
    hits: dict[int, Hit] = {}
    fixtures: dict[int, str] | None = None
    development: list[tuple[int, int, str]] | None = None
    for hit in _scan_text(ctx):
        if hit.confidence == "high":
            if fixtures is None:
                fixtures = _test_named_lines(ctx)
                development = _development_classes(ctx)
            name = fixtures.get(hit.line)
            config = next(
                (c for first, last, c in development or () if first <= hit.line <= last), None
            )
            if name is not None:
                hit = _less_sure(hit, f"in `{name}`, named as a test or sample key")
            elif config is not None:
                hit = _less_sure(hit, f"in `{config}`, a development or test configuration")
        hits.setdefault(hit.line, hit)
    if not developer_script(ctx) and not development_settings(ctx.path) and not _factories(ctx):
        if development is None:
            development = _development_classes(ctx)
        for hit in _scan_tree(ctx):
            if not any(first <= hit.line <= last for first, last, _ in development):
                hits.setdefault(hit.line, hit)
    yield from (hits[line] for line in sorted(hits))


def _development_classes(ctx: FileContext) -> list[tuple[int, int, str]]:
    """The lines and names of the development and test configurations in a settings
    module written as classes (django-configurations: La Suite's `class Development(Base):`
    and `class Test(Base):` beside `class Production(Base):`; the ONS Response Operations
    UI's Flask `class TestingConfig(DevelopmentConfig):`): production runs another class,
    which reads its keys from the environment."""
    if not _settings_module(ctx.path.lower().split("/")):
        return []
    return [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in ctx.tree.body
        if isinstance(node, ast.ClassDef) and _DEVELOPMENT_WORDS.intersection(words(node.name))
    ]


def _less_sure(hit: Hit, where: str) -> Hit:
    """A key in a known format where tests or development put it: most such keys are
    fixtures, but a real key put there is still published, so it stays, at low confidence."""
    return Hit(hit.line, hit.end_line, f"{hit.message}, {where}", confidence="low")


# Words that name a key made for tests or samples (`SSL_TEST_PRIVATE_CA_KEY`,
# `FAKE_GITHUB_TOKEN`, `EXAMPLE_PRIVATE_KEY`).
_FIXTURE_WORDS = frozenset(
    {"test", "tests", "testing", "fake", "dummy", "mock", "example", "sample", "demo"}
)


def _test_named_lines(ctx: FileContext) -> dict[int, str]:
    """Line -> name, for the lines of assignments whose every target is named for tests or
    samples: Chia ships its simulator's TLS keys as
    `SSL_TEST_FULLNODE_PRIVATE_KEY = b"-----BEGIN..."`. Such a key is still in a known
    format, so it is reported at low confidence rather than dropped: a real key given a
    test name is still a leaked key."""
    lines: dict[int, str] = {}
    for node in ctx.assigns:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [_target_name(target) for target in targets]
        if names and all(_FIXTURE_WORDS.intersection(words(name)) for name in names):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                lines[line] = names[0]
    return lines


def _factories(ctx: FileContext) -> bool:
    """A factory_boy module of test-data factories (`factories.py` importing `factory`):
    the passwords of the accounts it makes exist only in test databases."""
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py")
    return stem.endswith("factories") and ctx.imports("factory")


_SETTINGS_DIRS = frozenset({"settings", "config", "configs", "conf"})
_SETTINGS_WORDS = frozenset({"settings", "config"})
_DEVELOPMENT_WORDS = frozenset({"dev", "develop", "development", "ci", "test", "testing", "tests"})


def development_settings(path: str) -> bool:
    """A settings module for development or CI (`settings/local_dev.py`, `settings/ci.py`,
    `config/dev.py`, `dev_settings.py`, `ckan_test_settings.py`), or the settings of a
    demo project shipped beside the app (`demodesk/config/settings.py`,
    `examples/site/settings.py`): production replaces its keys with its own."""
    parts = path.lower().split("/")
    demo = any(d in _DEMO_DIRS or d.startswith("demo") for d in parts[:-1])
    dev_project = any(_DEV_PROJECT.fullmatch(d) for d in parts[:-1])
    return _settings_module(parts) and (
        bool(_stem_words(parts) & _DEVELOPMENT_WORDS) or demo or dev_project
    )


def _settings_module(parts: list[str]) -> bool:
    """A module in a settings folder (`settings/`, `config/`) or named for settings."""
    return bool(set(parts[:-1]) & _SETTINGS_DIRS or _stem_words(parts) & _SETTINGS_WORDS)


def _stem_words(parts: list[str]) -> set[str]:
    return set(re.split(r"[_\-.]", parts[-1].removesuffix(".py")))


# Folders of a demo or example project (`demodesk/`, `examples/`): run to try the app out.
_DEMO_DIRS = frozenset({"demo", "demos", "example", "examples", "sample", "samples", "sandbox"})
# The folder of a development project beside the app (`devproject/`, `dev_site/`,
# `development-project/`): the project contributors run the app in, never deployed.
_DEV_PROJECT = re.compile(r"dev(?:elop(?:ment)?)?[_\-]?(?:project|proj|site|server|instance)")


# -- known formats and URL passwords: one regex pass over the source ------------------------


class _Lines:
    """Offset -> line number, computed only when a file has something to report."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._newlines: list[int] | None = None

    def line_of(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.source)]
        return bisect.bisect_left(self._newlines, offset) + 1


def _scan_text(ctx: FileContext) -> Iterator[Hit]:
    source = ctx.source
    line_of = _Lines(source).line_of
    for what, pattern in _KNOWN_FORMATS:
        for match in pattern.finditer(source):
            start = match.start()
            if what.startswith("a Stripe"):  # `sk_live_` / `rk_live_`: one more character
                if start == 0 or source[start - 1] not in "sr":
                    continue
                start -= 1
            if start > 0 and (source[start - 1].isalnum() or source[start - 1] == "_"):
                continue  # inside a longer word
            if any(placeholder in match.group(0) for placeholder in _KNOWN_PLACEHOLDERS):
                continue
            if match.group(0) in _PUBLISHED_KEYS:
                continue
            # a known key format is what it looks like: only these hits are high confidence
            yield Hit(
                line_of(start),
                line_of(match.end()),
                f"{what} is written into the code",
                confidence="high",
            )
    if "://" not in source:
        return
    for match in _URL_CREDENTIALS.finditer(source):
        password = match.group(1)
        if any(c in password for c in "{}%$<>") or not looks_like_secret(password):
            continue
        start = match.start()
        while start > 0 and source[start - 1] in _SCHEME_CHARS:
            start -= 1
        scheme = source[start : match.start()]
        line = line_of(match.start())
        yield Hit(line, line, f"a {scheme + ' ' if scheme else ''}URL carries a password literal")


# -- credential-like literals given to credential-like names --------------------------------


# A dictionary word and a keyboard run of digits (`password1234`, `Test12345!`,
# `admin000`): the default password of a made-up account, the first guess of any
# attacker, not a secret anyone chose or generated.
_WEAK_DEFAULT = re.compile(
    r"[A-Za-z]{3,12}[_\-.@]?"
    r"(?:0?12(?:3(?:4(?:5(?:6(?:7(?:8(?:90?)?)?)?)?)?)?)?|(\d)\1{2,5})"
    r"[!.?#@$*]{0,2}"
)
# Words naming code that makes development or test data (`create_dev_user`,
# `add_test_users.py`, `seed_demo_accounts`).
_DEV_DATA_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "tester",
        "testers",
        "demo",
        "sample",
        "seed",
        "fixture",
        "fixtures",
        "fake",
    }
)


class _Judge:
    """Collects the hits of the tree scan: `judge(name, literal, message)` reports the
    literal when it looks like a credential and `name` says it is one."""

    def __init__(self, ctx: FileContext) -> None:
        self.hits: list[Hit] = []
        self._seen: set[int] = set()
        self._ctx = ctx

    def __call__(self, name: str, value: ast.AST | None, what: str | Callable[[], str]) -> None:
        text = string_value(value)
        if text is None or value is None or id(value) in self._seen or not sensitive_word(name):
            return
        self._seen.add(id(value))
        line = getattr(value, "lineno", 0)
        if (
            looks_like_secret(text)
            and text not in _PUBLISHED_KEYS
            and not self._dev_account_default(text, line)
        ):
            message = what if isinstance(what, str) else what()
            self.hits.append(Hit(line, getattr(value, "end_lineno", line) or line, message))

    def add(self, hit: Hit) -> None:
        self.hits.append(hit)

    def _dev_account_default(self, text: str, line: int) -> bool:
        """A weak default password (`password1234`) given to an account that code made
        for development or tests creates: the function or the file says so in its name
        (`create_dev_user()`, `add_test_users.py`). The same literal anywhere else is
        still reported."""
        if not _WEAK_DEFAULT.fullmatch(text):
            return False
        stem = self._ctx.path.rsplit("/", 1)[-1].removesuffix(".py")
        fn = innermost_function(self._ctx, line)
        names = (stem, fn.name) if fn is not None else (stem,)
        return any(set(words(name)) & _DEV_DATA_WORDS for name in names)


def _scan_tree(ctx: FileContext) -> list[Hit]:
    judge = _Judge(ctx)
    for node in ctx.assigns:
        value = node.value
        if isinstance(value, _CONTAINERS):
            _judge_dicts(value, judge)
            continue
        literals = _literals_of(value)
        if not literals:
            continue
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            name = _target_name(target)
            if name:
                for literal in literals:
                    judge(name, literal, _assigned_message(target))
    for call in ctx.calls:
        _judge_call(ctx, call, judge)
    for fn in ctx.functions:
        args = fn.args
        if args.defaults:
            positional = [*args.posonlyargs, *args.args][-len(args.defaults) :]
            for arg, default in zip(positional, args.defaults, strict=True):
                if isinstance(default, ast.Constant) and sensitive_word(arg.arg):
                    judge(arg.arg, default, _default_message(fn, arg.arg))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if isinstance(kw_default, ast.Constant) and sensitive_word(arg.arg):
                judge(arg.arg, kw_default, _default_message(fn, arg.arg))
    _comparisons(ctx, judge)
    return judge.hits


def _judge_dicts(node: ast.expr, judge: _Judge) -> None:
    """Every dictionary literal inside a literal container (settings such as `DATABASES`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Dict):
            _judge_dict(current, judge)
            stack.extend(v for v in current.values if isinstance(v, _CONTAINERS))
        elif isinstance(current, ast.List | ast.Tuple | ast.Set):
            stack.extend(e for e in current.elts if isinstance(e, _CONTAINERS))


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name | ast.Attribute):
        return leaf_name(target)
    if isinstance(target, ast.Subscript):  # app.config["SECRET_KEY"] = ...
        return string_value(target.slice) or ""
    return ""


def _assigned_message(target: ast.expr) -> Callable[[], str]:
    """The message for an assignment, built only if it is reported (unparsing costs)."""
    return lambda: f"`{_describe(target)}` is assigned a credential literal"


def _describe(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 48 else text[:45] + "..."


def _literals_of(value: ast.expr | None) -> list[ast.expr]:
    """The literal a name ends up with: `x = "..."`, `x = os.environ.get(K) or "..."`,
    pydantic `Field(default="...")`, dataclasses `field(default="...")`."""
    if isinstance(value, ast.Constant):
        return [value] if isinstance(value.value, str | bytes) else []
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        return [v for v in value.values if isinstance(v, ast.Constant)]
    if isinstance(value, ast.Call) and value.keywords:
        return [
            kw.value
            for kw in value.keywords
            if kw.arg == "default" and isinstance(kw.value, ast.Constant)
        ]
    return []


def _judge_dict(node: ast.Dict, judge: _Judge) -> None:
    for key, value in zip(node.keys, node.values, strict=True):
        label = string_value(key) if key is not None else None
        # a key with spaces is text shown to people (`"Change password": "पासवर्ड बदलें"` in a
        # translation table), not the name of a setting
        if (
            label
            and " " not in label.strip()
            and isinstance(value, ast.Constant)
            and sensitive_word(label)
        ):
            judge(label, value, f"dictionary key `{label}` holds a credential literal")


def _judge_call(ctx: FileContext, call: ast.Call, judge: _Judge) -> None:
    # Most calls are settled by their keywords alone; the name is resolved only for calls
    # whose positional arguments matter (cheap leaf test first).
    func = call.func
    leaf = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    for kw in call.keywords:
        value = kw.value
        if kw.arg is None:
            continue
        if isinstance(value, ast.Constant):
            if sensitive_word(kw.arg):
                judge(kw.arg, value, _keyword_message(ctx, call, kw.arg))
        elif isinstance(value, ast.Dict):
            _judge_dicts(value, judge)
        elif kw.arg == "auth" and isinstance(value, ast.Tuple) and len(value.elts) == 2:
            judge("password", value.elts[1], f"{_callee(ctx, call)} gets a password in `auth=`")
    args = call.args
    if not args:
        return
    for arg in args:
        if isinstance(arg, ast.Dict):
            _judge_dicts(arg, judge)
    if leaf not in _POSITIONAL_LEAVES:
        return
    name = ctx.call_name(call)
    callee = f"{name or leaf}()"
    if leaf in _SECRET_WRAPPERS:  # SecretStr("..."): the type says it is a secret
        judge("secret", args[0], f"{callee} wraps a credential literal")
    elif name in _COMMAND_RUNNERS:
        _judge_command(call, judge)
    elif name in _ENV_LOOKUPS or leaf == "getenv" or name.endswith("environ.get"):
        key = string_value(args[0])
        fallback = args[1] if len(args) > 1 else None
        for kw in call.keywords:
            if kw.arg == "default":
                fallback = kw.value
        if key and fallback is not None:
            judge(key, fallback, f"the fallback of {callee} for {key} is a credential literal")
    elif len(args) >= 2 and (
        name in _BASIC_AUTH or leaf in _BASIC_AUTH or (leaf == "login" and name != leaf)
    ):
        judge("password", args[1], f"{callee} gets a password literal")
    else:
        index = _KEY_ARGUMENTS.get(name, _KEY_ARGUMENTS.get(leaf))
        if index is not None and len(args) > index:
            judge("secret_key", args[index], f"{callee} gets its key as a literal")


def _default_message(fn: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> str:
    return f"parameter `{parameter}` of {fn.name}() defaults to a credential literal"


def _callee(ctx: FileContext, call: ast.Call) -> str:
    return f"{ctx.call_name(call) or 'the call'}()"


def _keyword_message(ctx: FileContext, call: ast.Call, keyword: str) -> Callable[[], str]:
    return lambda: f"{_callee(ctx, call)} gets a credential literal as `{keyword}=`"


def _judge_command(call: ast.Call, judge: _Judge) -> None:
    """Credentials on a command line: `-p <literal>`, `--password=<literal>`."""
    first = call.args[0] if call.args else None
    parts = first.elts if isinstance(first, ast.List | ast.Tuple) else [first] if first else []
    for i, part in enumerate(parts):
        text = string_value(part)
        if text is None:
            continue
        following = parts[i + 1] if i + 1 < len(parts) else None
        if text in _CLI_SECRET_OPTIONS and following is not None:
            judge("password", following, f"the command line passes a credential after `{text}`")
            continue
        match = _CLI_SECRET_INLINE.search(text)
        if match and looks_like_secret(match.group(2)):
            line = part.lineno
            judge.add(
                Hit(
                    line,
                    part.end_lineno or line,
                    f"the command line passes a credential as `{match.group(1)}=`",
                )
            )


def _comparisons(ctx: FileContext, judge: _Judge) -> None:
    """`if password == "s3cr3t!"`: a backdoor or a shared password. Only the scopes around
    lines where the source compares a credential-like name with a literal are walked."""
    lines = _comparison_lines(ctx.source)
    if not lines:
        return
    scopes = {id(s): s for s in (scope_of(ctx, line) for line in lines) if s is not None}
    for scope in scopes.values():
        for node in walk_own(scope):
            if not isinstance(node, ast.Compare) or node.lineno not in lines:
                continue
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                if not isinstance(op, ast.Eq | ast.NotEq):
                    continue
                for named, literal in ((left, right), (right, left)):
                    name = leaf_name(named)
                    if name:
                        judge(name, literal, f"`{name}` is compared with a credential literal")


def _comparison_lines(source: str) -> set[int]:
    """Lines with `==`/`!=` next to a quote and a credential-like word. Found with `find`,
    which is far cheaper than a regex scan of the whole file."""
    lines: set[int] = set()
    line_of: Callable[[int], int] | None = None
    for operator in ("==", "!="):
        at = source.find(operator)
        while at != -1:
            after = source[at + 2 : at + 6].lstrip(" ").lstrip("rbuRBU")
            before = source[max(0, at - 3) : at].rstrip(" ")
            if after[:1] in ("'", '"') or before[-1:] in ("'", '"'):
                start = source.rfind("\n", 0, at) + 1
                end = source.find("\n", at)
                text = source[start : end if end != -1 else len(source)].lower()
                if any(word in text for word in _COMPARED_WORDS):
                    line_of = line_of or _Lines(source).line_of
                    lines.add(line_of(at))
            at = source.find(operator, at + 2)
    return lines
