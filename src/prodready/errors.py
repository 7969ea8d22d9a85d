"""Error classes that carry their exit code, so the CLI never has to guess one.

Exit codes are a public contract: 0 ship or ship-with-known-risk, 1 block, 2 usage or
policy error, 3 internal error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BLOCK = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class ProdreadyError(Exception):
    """Base of every error prodready raises on purpose."""

    exit_code = EXIT_INTERNAL


class UsageError(ProdreadyError):
    """The command line asked for something impossible (missing file, bad option)."""

    exit_code = EXIT_USAGE


class PolicyError(ProdreadyError):
    """The policy file is invalid; the message names the file, the key and what was expected."""

    exit_code = EXIT_USAGE

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {expected}")


class EvidenceError(ProdreadyError):
    """A supplied evidence file (coverage, JUnit, vulnerability report) cannot be read.

    Raised by the parsers; the audit turns it into an ``errors`` entry and an ``unknown``
    criterion rather than failing the run, because unreadable evidence is not met evidence.
    """

    exit_code = EXIT_USAGE

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
