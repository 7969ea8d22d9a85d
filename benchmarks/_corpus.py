"""Bring a large real source tree for the benchmarks: Django's source distribution.

The sdist carries Django's own tests and docs beside the package, so it is the closest to
a checkout of the repository that the package index can give. It lands in
``benchmarks/.work/`` (ignored by git) and is reused; nothing is committed.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
DJANGO_VERSION = "5.1.4"


def django_tree() -> Path:
    return sdist_tree("Django", DJANGO_VERSION, "django")


def sdist_tree(name: str, version: str, package: str) -> Path:
    """The unpacked source distribution `name`-`version` from the package index, downloaded
    into benchmarks/.work/ on first use; `package` is a directory it must contain."""
    target = WORK / f"{name}-{version}"
    if (target / package / "__init__.py").is_file():
        return target
    WORK.mkdir(exist_ok=True)
    archive = WORK / f"{name}-{version}.tar.gz"
    if not archive.is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary=:all:",
                "-d",
                str(WORK),
                f"{name.lower()}=={version}",
            ],
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(WORK, filter="data")
    return target
