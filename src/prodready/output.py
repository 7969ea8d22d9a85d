"""Write a report all at once, or not at all.

A CI job that is killed mid-write must not leave a truncated report that a later step
uploads as if it were complete, so reports go to a temporary file beside the target and are
renamed into place.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from prodready.errors import UsageError


def write_report(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    if output.exists() and not output.is_file():
        # /dev/null, a named pipe or /dev/stdout: not a file to replace, just write to it
        try:
            with output.open("w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write report: {exc.strerror}") from exc
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"{output}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{output}: cannot write report: {exc.strerror}") from exc
