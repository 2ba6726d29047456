"""Where the bundled data lives: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DATA = Path(__file__).parent / "data"
_CHECKOUT = Path(__file__).resolve().parents[2]


def bundled(name: str) -> Path:
    """`lexicons` or `seeds`: shipped in the wheel as framing/data/NAME; an editable
    install reads the checkout's top-level folder, which is their source."""
    packaged = _PACKAGE_DATA / name
    return packaged if packaged.is_dir() else _CHECKOUT / name
