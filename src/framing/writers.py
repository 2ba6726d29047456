"""Writing reports: atomically, so a crash or Ctrl-C never leaves half a report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from framing.errors import OutputError


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, flush to disk, then rename over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path.parent}: cannot write here ({e.strerror or e})") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(f"{path}: cannot write ({e.strerror or e})") from e
        raise


def write_report(out: Path, name: str, files: dict[str, str]) -> list[Path]:
    """Write every file of one report, or none: all are rendered before the first rename."""
    written = []
    for suffix, text in files.items():
        target = out / f"{name}{suffix}"
        write_atomic(target, text)
        written.append(target)
    return written
