"""Regenerate the golden seeds report — an explicit step, whose diff is reviewed like code.

    python tests/regenerate_goldens.py

Writes tests/golden/seeds.md and seeds.json (what test_golden.py holds the code to) and the
same files into reports/, the example report the README quotes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from framing.writers import write_report  # noqa: E402

from golden import render_seeds  # noqa: E402


def main() -> None:
    files = render_seeds()
    for out in (HERE / "golden", HERE.parent / "reports"):
        for path in write_report(out, "seeds", files):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
