"""Reading and decoding shared by the evidence parsers.

Every evidence file comes from outside (a CI artifact, a file a user points at) and may be
broken or hostile. The contract with the audit is narrow: a parser either returns a result or
raises :class:`~prodready.errors.EvidenceError` whose reason a person can act on. These
helpers are where that contract is enforced once, instead of three slightly different times.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

import defusedxml
import defusedxml.ElementTree as SafeET

from prodready.errors import EvidenceError

#: Real reports of large repositories reach tens of megabytes; beyond this a file is far more
#: likely to be a mistake or an attack, and parsing it would cost gigabytes of memory.
MAX_EVIDENCE_BYTES = 128 * 1024 * 1024

#: Messages and summaries end up in one-page reports; a multi-megabyte stack trace does not
#: belong there and would let a hostile file bloat every report rendered from it.
MAX_MESSAGE_CHARS = 2000

#: Prefix of the reason given when a parser bug (not bad input) was caught by :func:`guard`,
#: so tests can tell "input rejected on purpose" from "parser fell over".
UNEXPECTED_PREFIX = "unexpected parser failure"


class ShapeError(Exception):
    """Well-formed input of the wrong shape; :func:`guard` turns it into an EvidenceError.

    Raised deep inside shape checks that do not know the file name, so the message is only
    the "where and what" part of the reason.
    """


@contextmanager
def guard(name: str) -> Iterator[None]:
    """Make "returns a result or raises EvidenceError" hold even when a check was missed.

    Unreadable evidence must become an ``unknown`` criterion, never a crash of the audit, so
    anything that escapes the explicit checks is still reported as an EvidenceError; its
    reason says it was unexpected so the gap can be found and closed.
    """
    try:
        yield
    except EvidenceError:
        raise
    except ShapeError as exc:
        raise EvidenceError(name, str(exc)) from None
    except RecursionError:
        raise EvidenceError(name, "structure is nested too deeply to process") from None
    except MemoryError:
        raise EvidenceError(name, "too large to process in memory") from None
    except Exception as exc:
        raise EvidenceError(
            name, f"{UNEXPECTED_PREFIX} ({type(exc).__name__}: {clip(str(exc), 200)})"
        ) from exc


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Bound free text taken from a report, marking the cut so nobody mistakes it for whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_evidence(path: Path) -> bytes:
    """Read a whole evidence file, refusing what cannot be a report before touching it.

    Non-regular files are refused because reading a FIFO or a device can block forever or
    never end; oversized files because parsing them would exhaust memory.
    """
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EvidenceError(name, "file not found") from None
    except NotADirectoryError:
        raise EvidenceError(name, "file not found (a parent is not a directory)") from None
    except PermissionError:
        raise EvidenceError(name, "cannot read: permission denied") from None
    except (OSError, ValueError) as exc:
        raise EvidenceError(name, f"cannot read: {describe_os_error(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise EvidenceError(name, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise EvidenceError(name, "not a regular file")
    if info.st_size > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            name, f"file too large ({info.st_size} bytes; limit is {MAX_EVIDENCE_BYTES})"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_EVIDENCE_BYTES + 1)
    except PermissionError:
        raise EvidenceError(name, "cannot read: permission denied") from None
    except OSError as exc:
        raise EvidenceError(name, f"cannot read: {describe_os_error(exc)}") from None
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(name, f"file too large (over {MAX_EVIDENCE_BYTES} bytes)")
    if not data.strip():
        raise EvidenceError(name, "file is empty")
    return data


def brief(value: object, limit: int = 40) -> str:
    """A short rendering of an offending value for an error reason.

    Containers are named, not printed, and strings are cut before ``repr``: a hostile file
    can make either arbitrarily large, and the reason only needs to point at the problem.
    """
    if isinstance(value, str):
        return clip(repr(value[:limit]), limit)
    if value is None or isinstance(value, bool | int | float):
        return clip(repr(value), limit)
    return json_type(value)


def describe_os_error(exc: BaseException) -> str:
    """An OS error's own words without the repeated file name."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def parse_xml(data: bytes, name: str) -> Element:
    """Parse untrusted XML, refusing entity declarations (billion laughs, XXE) outright.

    Only defusedxml is used: the stdlib parser expands internal entities without limit.
    """
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise EvidenceError(
            name,
            "refused XML that declares entities or external references "
            f"(possible entity-expansion or XXE attack): {type(exc).__name__}",
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise EvidenceError(
            name, f"not well-formed XML at line {line}, column {column}: {ErrorString(exc.code)}"
        ) from None
    except (LookupError, ValueError, UnicodeError) as exc:
        raise EvidenceError(name, f"XML uses an unsupported encoding: {exc}") from None
    return cast(Element, root)


def local_name(element: Element) -> str:
    """Tag without a namespace, since producers disagree on whether to declare one."""
    tag = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rpartition("}")[2]


def parse_json(data: bytes, name: str) -> object:
    """Decode JSON, requiring UTF-8 (RFC 8259) so a misdetected encoding cannot slip by."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceError(name, f"not UTF-8 (invalid byte at offset {exc.start})") from None
    try:
        return cast(object, json.loads(text))
    except RecursionError:
        raise EvidenceError(name, "JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise EvidenceError(
            name, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # e.g. an integer literal longer than int_max_str_digits
        raise EvidenceError(name, f"not valid JSON: {clip(str(exc), 200)}") from None


def json_type(value: object) -> str:
    """JSON's name for a value's type, for reasons readable by people who wrote the JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
