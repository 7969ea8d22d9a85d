"""Read f-strings that reuse their own quotes inside the braces (PEP 701, Python 3.12).

`f"JIRA {form.get("name")} added"` is valid from Python 3.12 on; Python 3.11 cannot even
tokenize it, so the whole file went unjudged (DefectDojo's Jira views). Swapping each
clashing inner string to the other quote character, `f"JIRA {form.get('name')} added"`,
gives the same syntax tree, keeps every character in its column, and so keeps findings
and suppression comments on their lines.

Only what Python 3.11 can express is rewritten: an inner string that itself holds the
other quote character, a clash three levels deep, or a backslash inside the braces leaves
the source as it is (None), and the file stays reported as unreadable.
"""

from __future__ import annotations

_PREFIX_LETTERS = frozenset("rRbBfFuU")
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


class _Unrewritable(Exception):
    """The f-string needs more than a quote swap to read under Python 3.11."""


def requote_fstrings(source: str) -> str | None:
    """The source with each clashing inner string requoted, or None when nothing clashes
    or a clash cannot be resolved by a swap."""
    chars = list(source)
    scanner = _Scanner(source, chars)
    try:
        scanner.module()
    except (_Unrewritable, RecursionError):  # RecursionError: braces nested beyond reason
        return None
    return "".join(chars) if scanner.changed else None


class _Scanner:
    def __init__(self, source: str, chars: list[str]) -> None:
        self.src = source
        self.out = chars
        self.changed = False

    def module(self) -> None:
        i, n = 0, len(self.src)
        while i < n:
            c = self.src[i]
            if c == "#":
                i = self.src.find("\n", i)
                i = n if i < 0 else i
            elif c in "'\"":
                i = self.string(i, self._prefix(i), enclosing=())
            else:
                i += 1

    def _prefix(self, quote_at: int) -> str:
        """The letters (`f`, `rb`...) written right before the quote at `quote_at`."""
        start = quote_at
        while start > 0 and self.src[start - 1] in _PREFIX_LETTERS and quote_at - start < 2:
            start -= 1
        if start > 0 and (self.src[start - 1].isalnum() or self.src[start - 1] == "_"):
            return ""  # the end of a name (`elif"..."` is not a prefix)
        return self.src[start:quote_at].lower()

    def string(self, i: int, prefix: str, enclosing: tuple[str, ...]) -> int:
        """Scan the literal opening at `i`; return the index after it. `enclosing` holds
        the quotes of the f-strings whose braces this literal sits in."""
        quote = self.src[i] * 3 if self.src.startswith(self.src[i] * 3, i) else self.src[i]
        written = quote  # what the quote is once requoted
        if len(quote) == 1 and quote in enclosing:
            written = self._swap(i, quote, enclosing)
        if len(quote) == 3 and quote in enclosing:
            raise _Unrewritable
        j, n = i + len(quote), len(self.src)
        raw, formatted = "r" in prefix, "f" in prefix
        while j < n:
            c = self.src[j]
            if c == "\\" and not raw:
                j += 2
            elif self.src.startswith(quote, j):
                return j + len(quote)
            elif c == "\n" and len(quote) == 1:
                return j  # not a literal after all; let the parser say so
            elif formatted and self.src.startswith("{{", j):
                j += 2
            elif formatted and c == "{":
                j = self.field(j + 1, (*enclosing, written))
            else:
                j += 1
        return j

    def _swap(self, i: int, quote: str, enclosing: tuple[str, ...]) -> str:
        """Requote the single-quoted inner string at `i` with the other character, which
        is returned."""
        other = "'" if quote == '"' else '"'
        if other in enclosing:
            raise _Unrewritable
        end = i + 1
        while end < len(self.src) and self.src[end] != quote:
            if self.src[end] in ("\\", other, "\n"):
                raise _Unrewritable
            end += 1
        if end >= len(self.src):
            raise _Unrewritable
        self.out[i] = self.out[end] = other
        self.changed = True
        return other

    def field(self, j: int, enclosing: tuple[str, ...]) -> int:
        """Scan a replacement field from just after its `{`; return the index after its
        closing `}`, past any format spec."""
        depth, n = 0, len(self.src)
        while j < n:
            c = self.src[j]
            if c in "'\"":
                j = self.string(j, self._prefix(j), enclosing)
            elif c == "\\":
                raise _Unrewritable  # Python 3.11 allows no backslash inside the braces
            elif c in _OPENING:
                depth += 1
                j += 1
            elif c in _CLOSING and depth:
                depth -= 1
                j += 1
            elif c == "}":
                return j + 1
            elif c == ":" and depth == 0 and not self.src.startswith(":=", j):
                return self.spec(j + 1, enclosing)
            elif c == "#":
                raise _Unrewritable
            else:
                j += 1
        return j

    def spec(self, j: int, enclosing: tuple[str, ...]) -> int:
        """A format spec: literal text with nested fields, up to the field's `}`."""
        n = len(self.src)
        while j < n:
            c = self.src[j]
            if c == "{":
                j = self.field(j + 1, enclosing)
            elif c == "}":
                return j + 1
            elif self.src.startswith(enclosing[-1], j):
                return j  # the f-string ends here: not a field Python reads
            else:
                j += 1
        return j
