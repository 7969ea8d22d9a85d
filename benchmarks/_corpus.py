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
    target = WORK / f"Django-{DJANGO_VERSION}"
    if (target / "django" / "__init__.py").is_file():
        return target
    WORK.mkdir(exist_ok=True)
    archive = WORK / f"Django-{DJANGO_VERSION}.tar.gz"
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
                f"django=={DJANGO_VERSION}",
            ],
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(WORK, filter="data")
    return target
