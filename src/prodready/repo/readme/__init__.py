"""What a README tells a newcomer, and whether what it points at still exists.

The documentation criterion asks two questions of the README: does it say how to
install, run and test the project, and are its instructions still true? The second is
where READMEs rot: a script is renamed, ``requirements-dev.txt`` is folded into
``pyproject.toml``, a Makefile target disappears, and the README keeps sending people to
them. This package finds such stale references without running anything and without
touching the filesystem: the caller answers ``exists(path)`` from its file index.

A false "stale" alarm teaches users to switch the check off, so every rule here errs
towards silence. Only arguments that are paths by position (``python X.py``,
``-r X``, ``cd X``, the source of ``cp``) are checked; anything that could have been
created by an earlier command in the README, lives in a generated directory, holds a
variable, a glob or a placeholder, or points outside the repository, is left alone.

Modules, by job: ``facts`` (the entry points), ``results`` (what they return),
``document`` with ``markdown`` and ``rst`` (markup to one document model), ``shell``
(splitting command lines), ``commands``, ``links``, ``paths`` and ``makefile`` (stale
references), ``topics`` (install/run/test coverage).
"""

from prodready.repo.readme.facts import README_NAMES, find_readme, read_readme_facts
from prodready.repo.readme.results import ReadmeFacts, StaleReference

__all__ = ["README_NAMES", "ReadmeFacts", "StaleReference", "find_readme", "read_readme_facts"]
