"""Bring a large real source tree for the benchmarks: Django's source, from its wheel.

The wheel comes from the package index the machine already uses for installs; nothing is
committed. The tree lands in ``benchmarks/.work/`` (ignored by git) and is reused.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
DJANGO_VERSION = "5.1.4"


def django_tree() -> Path:
    target = WORK / f"django-{DJANGO_VERSION}"
    if (target / "django" / "__init__.py").is_file():
        return target
    WORK.mkdir(exist_ok=True)
    wheels = list(WORK.glob(f"Django-{DJANGO_VERSION}-*.whl")) + list(
        WORK.glob(f"django-{DJANGO_VERSION}-*.whl")
    )
    if not wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(WORK),
                f"django=={DJANGO_VERSION}",
            ],
            check=True,
        )
        wheels = list(WORK.glob("[Dd]jango-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(target)
    return target
