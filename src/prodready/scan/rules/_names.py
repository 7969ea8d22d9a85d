"""What identifiers and literals say about secrets: shared by sensitive-logging and
hardcoded-secret.

Names are judged by their words (`HTTP_AUTHORIZATION`, `apiKey`, `X-Api-Key` all split into
words), and the last word that matters decides: `password_reset_token` is a token,
`token_expires_at` is a time, `max_tokens` and `PASSWORD_FIELD` are not secrets at all.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeGuard

from prodready.scan.context import FileContext, FunctionNode


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Words that make a name a credential.
_CREDENTIAL = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "authorization",
        "bearer",
        "credential",
        "credentials",
        "creds",
        "jwt",
        "apikey",
        "apitoken",
        "accesstoken",
        "authtoken",
        "refreshtoken",
        "cookie",
        "cookies",
        "privkey",
        "otp",
    }
)
# Personal data that must not reach logs (not credentials, so not hardcoded-secret).
_PERSONAL = frozenset({"cardnumber", "creditcard", "ccnumber", "cvv", "cvc", "cvv2", "ssn"})
_DISPLAY = {
    "apikey": "key",
    "apitoken": "token",
    "accesstoken": "token",
    "authtoken": "token",
    "refreshtoken": "token",
    "privkey": "private key",
    "cardnumber": "card number",
    "creditcard": "card number",
    "ccnumber": "card number",
    "ssn": "social security number",
    "cvv2": "cvv",
    "pwd": "password",
    "passwd": "password",
}
# `<prefix>_key` is a key that must stay secret (`api_key`, `secret_key`, `signing_key`).
_KEY_PREFIXES = frozenset(
    {
        "api",
        "access",
        "private",
        "secret",
        "signing",
        "sign",
        "encryption",
        "decryption",
        "hmac",
        "master",
        "auth",
        "fernet",
        "aes",
        "jwt",
        "crypto",
        "cipher",
        "shared",
        "webhook",
        "deploy",
        "ssh",
        "session",
    }
)
_COMPOUNDS = {
    ("card", "number"): "cardnumber",
    ("credit", "card"): "creditcard",
    ("cc", "number"): "ccnumber",
    ("social", "security"): "ssn",
    ("private", "key"): "privkey",
}
# A word after the secret that makes the name about something else (`token_address` is a
# token contract's public address): `token_type`,
# `password_min_length`, `secret_name`, `api_key_id`, `SESSION_COOKIE_NAME`, the scopes a
# token grants (`token_scopes`), the settings a cookie is set with (`cookie_kwargs`), whether
# a device asks for one (`passphrase_protection`), where one is fetched (`token_req_host`),
# what a form does with one (`password_action`: "change" or "set"), what a new one must
# look like (Chia's `passphrase_requirements`: a minimum length), a lock (`token_lock`, a
# mutex; Cashu's `secret_lock`, the public spending condition put on a token), the label a
# token is known by (Objects API's `token_identifier`), whether one was found
# (`otp_value_found`), a masked preview of one (`totp_secret_preview`), its reference in a
# key manager (nova's `secret_uuid`), the security mode it is kept under
# (`tpm_secret_security`), the store that keeps them (`CREDENTIAL_VAULT`), which of
# several it picked (Perceval's `token_idx`), how many are left in a rate limiter's bucket
# (`token_remain`).
_QUALIFIERS = _wordset(
    """
    id ids name names type types kind field fields column attr attribute label header
    headers param parameter env var variable path file filename dir url uri endpoint
    length len size count min max limit age ttl timeout lifetime expiry expires expiration
    exp expired expire at time timestamp date created updated changed reset rotation
    rotated policy validator validators validation pattern regex rule rules hash hasher
    hashers strength score valid validity required enabled disabled set present provided
    exists missing format scheme style placeholder help hint text message msg error errors
    prompt input widget location source store storage backend class cls manager service
    provider handler usage used attempts retries version algorithm alg algorithms method
    mode digest fingerprint masked mask redacted duration seconds minutes hours days
    interval period window sent verified index idx position offset status state flag domain
    samesite secure httponly prefix suffix claims info metadata data ref refs href arn issuer
    public publishable paths files filenames dirs urls uris labels attrs params
    scope scopes kwargs options opts cnt address addresses protection protected host hosts
    hostname port server action actions requirement requirements complexity
    environment environments namespace namespaces lock locks identifier identifiers
    counter counters dt serial serials serialnumber serialno found preview previews remain
    remaining
    uuid uuids guid guids security constraint constraints vault vaults
    """
)
# A last word that makes the name a property: `credential_ask_card_answerable`,
# `token_refreshable`, `secret_table` (Skyvern's flags; "-able", "-ible" words).
_PROPERTY_ENDINGS = ("able", "ible")
# Names of identifiers rather than of secret values.
_IDENTIFIERS = _wordset("pk uuid slug sid jti kid")
# A first word that makes the name a flag, a count or a check: `has_token`, `is_password_set`,
# `permit_create_token` (a switch that lets users create tokens);
# or a collection of secrets that are absent, so only their names can be in it
# (`missing_secrets = required - found`).
_PREDICATE_PREFIXES = _wordset(
    """
    is has have should can use uses need needs require requires allow allows enable enables
    permit permits enforce disable forbid deny num n max min total count len check validate
    verify no with missing absent unset undefined
    """
)
# A first word that makes the name a place on disk (`path_mounts_credentials`).
_LOCATION_PREFIXES = _wordset("path dir folder")
# An earlier word that makes the name about rights over a secret, not the secret:
# `default_permissions_create_token` holds permission letters such as "rw".
_RIGHTS = _wordset("permission permissions perms rights")
# Credentials kept in a store under a key: `credential_key`, `token_key` (Boto's cache of
# session tokens, by role) name the entry, not its value. A `secret_key` is the secret.
_LOOKED_UP = _wordset("credential credentials creds token password")
# An earlier word that says the secret was hidden before anyone sees it: PySpur's
# `masked_token = self._mask_token(token)`, a `redacted_password`.
_HIDDEN = _wordset("masked redacted obfuscated censored sanitized sanitised scrubbed")
# Words that make a trailing `pass` the outcome of a check (`HEALTH_CHECK_PASS`,
# `POLL_STATUS_PASS`) rather than short for password (`SMTP_PASS`).
_CHECKS = _wordset("status check checks health poll probe test tests result verdict")
# `page_token`, `next_token`, `eos_token`: tokens that are not credentials; a
# `friendly_token` is the short public id in an object's URL (`/view?m=<friendly_token>`);
# `lp_token`, `underlying_token`, `erc20_token`: a crypto asset, public on chain (Rotki);
# `since_token`, `from_token`, `prev_token`, `stream_token`: a position in a stream of
# events (Synapse's sync and replication); `mention_token`: the "@bot" text that calls a bot;
# `change_token`, `delta_token`: how far a sync has read a SharePoint site or a Microsoft
# Graph collection (Airweave's connectors); `image_token`, `audio_token`: the placeholder in
# a multimodal model's vocabulary where a picture or a sound goes (lm-eval's `<image>`);
# `lock_token`, `fencing_token`, `consistency_token`: which holder owns a lock, or a snapshot
# a later read must see (Red Hat's RBAC and its Kessel relations API); a write still needs
# the service's own credential.
_HARMLESS_TOKEN_PREFIXES = _wordset(
    """
    page next pagination continuation cancel cancellation sync lexer parse parser word
    input output completion prompt special eos bos pad unk sep cls mask start end stop
    image img audio video vision
    resume cursor friendly poll lp underlying erc20 erc721 wrapped staking reward
    since from to upto prev previous last stream batch position mention change delta
    lock fencing consistency
    """
)


@lru_cache(maxsize=4096)
def words(name: str) -> tuple[str, ...]:
    """`HTTP_AUTHORIZATION` -> (http, authorization); `apiKey` -> (apikey,)."""
    raw = [w.lower() for w in _WORD.findall(name)]
    out: list[str] = []
    i = 0
    while i < len(raw):
        word = raw[i]
        if i + 1 < len(raw) and (word, raw[i + 1]) in _COMPOUNDS:
            out.append(_COMPOUNDS[word, raw[i + 1]])
            i += 2
            continue
        if word in ("key", "keys") and out and out[-1] in _KEY_PREFIXES:
            out[-1] = "apikey"
        else:
            out.append(word)
        i += 1
    return tuple(out)


@lru_cache(maxsize=4096)
def sensitive_word(name: str, *, logging: bool = False) -> str | None:
    """The word that makes `name` a credential, or None.

    With `logging`, personal data (card numbers, SSNs) and cookies count too: they must not
    be written to logs, though a literal of theirs in code is no hardcoded secret.
    """
    parts = words(name)
    if not parts or parts[0] in _PREDICATE_PREFIXES:
        return None
    if len(parts) > 1 and parts[0] in _LOCATION_PREFIXES and "or" not in parts:
        return None  # `path_mounts_credentials`: where secrets are kept, not one of them
    if logging and parts in (("card",), ("payment", "card")):
        return "card data"  # the whole card, not `card_id` or `card_brand`
    if len(parts) > 1 and len(parts[-1]) >= 5 and parts[-1].endswith(_PROPERTY_ENDINGS):
        return None
    for i in range(len(parts) - 1, -1, -1):
        word = parts[i]
        if word in _QUALIFIERS:
            return None
        if word == "pass" and i == len(parts) - 1 and i > 0:
            if _CHECKS.intersection(parts[:i]):
                return None  # Senlin's `POLL_STATUS_PASS`: a health check passed
            return "password"
        if word in _CREDENTIAL or (logging and word in _PERSONAL):
            if word == "token" and i > 0 and parts[i - 1] in _HARMLESS_TOKEN_PREFIXES:
                return None
            if word in _LOOKED_UP and parts[i + 1 : i + 2] in (("key",), ("keys",)):
                return None  # Skyvern's `credential_key`: the name it is stored under
            if parts[-2:] in (("cache", "key"), ("cache", "keys")):
                return None  # Red Hat RBAC's `JWT_CACHE_KEY`: where a cache keeps it
            if _RIGHTS.intersection(parts[:i]) or _HIDDEN.intersection(parts[:i]):
                return None
            if word in ("cookie", "cookies") and not logging:
                return None
            return _DISPLAY.get(word, word)
    return None


def names_a_session_key(name: str) -> bool:
    """`session_key`, `sessionKey`, `credential_session_key`: Django's name for the id of a
    user's session, and the name many projects give an identifier of sessions of their own
    (Jupyter's `kernel_id:session_uuid`, a sandbox's routing label, a cache key)."""
    return [w.lower() for w in _WORD.findall(name)][-2:] == ["session", "key"]


def names_a_cursor_token(name: str) -> bool:
    """`get_current_change_token`, `next_page_token`: "token" right after a word that makes
    it a position or a marker. Stricter than `names_another_kind`, for function names:
    `get_token_auth_header` and `createTokenClassObject` return credentials though the
    words after "token" name no secret."""
    parts = words(name)
    return any(
        w == "token" and i > 0 and parts[i - 1] in _HARMLESS_TOKEN_PREFIXES
        for i, w in enumerate(parts)
    )


def names_another_kind(name: str) -> bool:
    """`nextPageToken`, `token_type`, `new_start_token`: a name that carries a secret's word
    and yet, by the words around it, names something that is not a secret."""
    parts = words(name)
    return bool(_CREDENTIAL.intersection(parts)) and sensitive_word(name, logging=True) is None


def describes_a_secret(name: str) -> bool:
    """`id`, `token_type`, `prefix`, `expires_at`: a property of a secret, not the secret."""
    parts = words(name)
    return bool(parts) and (parts[-1] in _QUALIFIERS or parts[-1] in _IDENTIFIERS)


# -- literals that look like credentials ------------------------------------------------

_PLACEHOLDER_MARKERS = (
    "change",
    "your",
    "xxx",
    "example",
    "placeholder",
    "replace",
    "todo",
    "fixme",
    "dummy",
    "sample",
    "insert",
    "<",
    "${",
    "{{",
    "%(",
    "***",
    "...",
    "redacted",
)
_IDENTIFIER = re.compile(r"_*[a-z]+[0-9]{0,3}(?:[_\-.:][a-z]+[0-9]{0,3})*_*")
_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_HEADER_NAME = re.compile(r"[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z0-9]*)+")
# `settings.local`, `oauth2_provider.AccessToken` (a Django model path): words with at most
# two digits in a row between dots.
_DOTTED = re.compile(r"[A-Za-z_]+(?:\d{1,2}[A-Za-z_]*)?(?:\.[A-Za-z_]+(?:\d{1,2}[A-Za-z_]*)?)+")
# `package.module:Attribute`: an import path (an entry point, a factory), not a secret.
_IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_PATH = re.compile(r"(?:[a-z0-9_.~\-]*/)+[a-z0-9_.~\-]*")
_AUTH_SCHEME = re.compile(r"(?i)^(?:bearer|basic|token|bot|apikey)\s+")
# Regular-expression syntax: AWX's API routes (`_credential = r'credentials/\d+/'`) and its
# pattern that finds the password in a URL (`r'^.*?://[^:]+:(.*?)@.*?$'`) are patterns
# that match secrets, not secrets.
_REGEX_SYNTAX = re.compile(r"\\[dwsDWS]|\(\?[:=!P<]|\(\.[*+]|\.[*+]\?|\[\^")
_URL_CREDENTIALS = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:([^@/\s]+)@")
# Keys that look secret but are meant to be public or only work in test mode.
_NOT_SECRET_PREFIXES = ("pk_live_", "pk_test_", "sk_test_", "rk_test_")


# A command-line option with its argument, and a lower-case `setting=value` rule.
_OPTION = re.compile(r"--?[A-Za-z][\w-]*\s")
_SETTING = re.compile(r"[a-z][a-z0-9_]*=[a-z0-9_]+")


# A whole value that is one template placeholder: `%name%` macros, Jinja/Django
# `{{ token }}`, shell/compose `${TOKEN}` (with an optional `:-default`) or `$SECRET_KEY`
# (substituted by the setup script that copies a settings template), `%(name)s`, and a
# `str.format` field (Onyx's `{"Authorization": "Bearer {access_token}"}` auth template,
# filled in with each organisation's own token when a request is made).
_TEMPLATE_TOKEN = re.compile(
    r"%[A-Za-z_]\w*%|\{\{\s*[\w.]+\s*\}\}|\$\{[A-Za-z_]\w*(:-[^}]*)?\}|%\([A-Za-z_]\w*\)s"
    r"|\$[A-Z_][A-Z0-9_]*|\{[A-Za-z_][\w.]*\}"
)


def names_a_slot(value: str) -> bool:
    """`"cookie_temp"`, `"session-token"`: a lower-case identifier, the name of a key or a
    setting. (A password that reads like one is still a hardcoded secret; here it only
    decides that a variable is a name.)"""
    return bool(_IDENTIFIER.fullmatch(value)) and not any(c.isdigit() for c in value)


def looks_like_secret(value: str) -> bool:
    """Is this literal plausibly a real credential (not a placeholder, a name or a URL)?"""
    value = _AUTH_SCHEME.sub("", value.strip())
    if "://" in value:
        match = _URL_CREDENTIALS.match(value)
        return match is not None and looks_like_secret(match.group(1))
    if sum(c.isspace() for c in value) > 1:
        return False  # prose ("hard to guess string"), not a key
    if _OPTION.match(value) or _SETTING.fullmatch(value):
        return False  # a command-line flag ("--passphrase-fd 0"), a rule ("provider=ovh")
    if _TEMPLATE_TOKEN.fullmatch(value):
        return False  # a template placeholder ("%customer_name%", "{{ token }}", "${TOKEN}")
    if _REGEX_SYNTAX.search(value):
        return False  # a pattern ("teams/\d+/credentials/", "(.*?)")
    value = "".join(value.split())
    if len(value) < 8:
        return False
    lowered = value.lower()
    if any(marker in lowered for marker in _PLACEHOLDER_MARKERS):
        return False
    if value.startswith(_NOT_SECRET_PREFIXES):
        return False
    if (
        _IDENTIFIER.fullmatch(value)
        or _CONSTANT_NAME.fullmatch(value.strip("_"))  # also "__POSTHOG_API_KEY__"
        or _HEADER_NAME.fullmatch(value)
        or _DOTTED.fullmatch(value)
        or (_IMPORT_PATH.fullmatch(value) and "." in value)
        or _PATH.fullmatch(value)
        or value.startswith(("/", "./", "~/"))
    ):
        return False
    if len(set(value)) < 6:
        return False
    if len(value) < 20 and value.removesuffix(":").isalpha():
        return False  # a word or a label ("Observation:"), not a generated or chosen secret
    return entropy(value) >= 3.0


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def string_value(node: ast.AST | None) -> str | None:
    """The text of a str or bytes literal."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
    return None


def leaf_name(node: ast.AST) -> str:
    """`self.api_key` -> `api_key`; `settings.SECRET_KEY` -> `SECRET_KEY`; `x` -> `x`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


# -- where a node sits ----------------------------------------------------------------------


def calls_method_of(node: ast.AST, method: str, name: str) -> TypeGuard[ast.Call]:
    """`name.method(...)`: a call of `method` on the variable `name` (`url.startswith(...)`,
    `credentials.pop(...)`)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def innermost_function(ctx: FileContext, line: int) -> FunctionNode | None:
    """The innermost function whose lines contain `line`, found without a parent map."""
    best: FunctionNode | None = None
    for fn in ctx.functions:
        end = fn.end_lineno or fn.lineno
        if fn.lineno <= line <= end and (best is None or fn.lineno >= best.lineno):
            best = fn
    return best


def top_statement(ctx: FileContext, line: int) -> ast.stmt | None:
    """The module-level statement whose lines contain `line`."""
    for stmt in ctx.tree.body:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            return stmt
    return None


def scope_of(ctx: FileContext, line: int) -> ast.AST | None:
    """The smallest function containing `line`, else its module-level statement."""
    return innermost_function(ctx, line) or top_statement(ctx, line)


def walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under `node`, not descending into nested functions, classes or lambdas."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(
            current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
        ):
            stack.extend(ast.iter_child_nodes(current))
