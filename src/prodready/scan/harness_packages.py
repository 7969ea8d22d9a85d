"""Packages whose authors say they exist to test the application.

Airweave keeps `monke/`, its end-to-end connector test framework, beside the service; the
package's `__init__.py` says so ("Monke testing framework for Airweave."), while its modules
only say what they drive ("Box bongo implementation."). The tokens they log are markers
put into test data, not credentials. The word is the package's, so it covers every file
in the folder; it is decided through a fact, since the `__init__.py` may be scanned in
another worker than the modules it speaks for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from prodready.scan.context import FileContext
from prodready.scan.rules._paths import declared_test_support

HARNESS_PACKAGE_FACT = "harness-package:"


def harness_package_facts(ctx: FileContext) -> Iterator[str]:
    """The folder of a package whose `__init__.py` docstring declares it test support. The
    scanned root's own `__init__.py` declares nothing: the user asked for that folder."""
    folder, sep, name = ctx.path.rpartition("/")
    if sep and name == "__init__.py" and declared_test_support(ctx):
        yield HARNESS_PACKAGE_FACT + folder


def harness_package_dirs(results: Mapping[str, HasFacts]) -> set[str]:
    """Every folder some `__init__.py` declared a test package, when code is left outside
    them all. A project whose every file is in one is itself a testing tool ("Locust, a
    load testing framework for web services") that its users asked to be judged."""
    found = {
        fact.removeprefix(HARNESS_PACKAGE_FACT)
        for result in results.values()
        for fact in result.facts
        if fact.startswith(HARNESS_PACKAGE_FACT)
    }
    if not found:
        return found
    prefixes = tuple(d + "/" for d in found)
    return found if any(not rel.startswith(prefixes) for rel in results) else set()


class HasFacts(Protocol):
    """A file's scan result, as far as the facts it reported."""

    @property
    def facts(self) -> frozenset[str]: ...
