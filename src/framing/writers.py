"""Writing reports atomically: a crash or Ctrl-C never leaves half a report, nor a Markdown
report beside the JSON of another run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from framing.errors import OutputError


def _write_temp(target: Path, text: str) -> Path:
    """Write `text` to a new file beside `target` and flush it to disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_report(out: Path, name: str, files: dict[str, str]) -> list[Path]:
    """Write OUT/NAME+suffix for every (suffix, text): all temporary files first, then the
    renames, so either every file of the report is replaced or none is."""
    targets = [out / f"{name}{suffix}" for suffix in files]
    temps: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for target, text in zip(targets, files.values(), strict=True):
            temps.append(_write_temp(target, text))
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
    except OSError as e:
        raise OutputError(f"{out}: cannot write the report here ({e.strerror or e})") from e
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return targets
