"""Warnings told apart by kind, so that thousands of alike ones (the articles of a large
export that have no text) do not bury the rest: the report and stderr show the first few
of each kind and count the others; the JSON keeps every one."""

from __future__ import annotations

import re
from collections import Counter

SHOWN_PER_KIND = 5
# Where a warning is about ("export.csv:12: ", "story/a.txt: ") and what varies within a
# kind: quoted ids and names, and the detail in brackets.
_WHERE = re.compile(r"^.*?: ")
_QUOTED = re.compile(r"'[^']*'")
_BRACKETED = re.compile(r"\([^)]*\)")


def kind(message: str) -> str:
    """The warning without its place and particulars:
    "a.csv:3: article '2' has no text, skipped" -> "article … has no text, skipped"."""
    return _BRACKETED.sub("(…)", _QUOTED.sub("…", _WHERE.sub("", message, count=1)))


class Tally:
    """Which warnings to show: the first SHOWN_PER_KIND of each kind; the rest counted."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def show(self, message: str) -> bool:
        k = kind(message)
        self._seen[k] += 1
        return self._seen[k] <= SHOWN_PER_KIND

    def hidden(self) -> list[tuple[str, int]]:
        """(kind, how many were not shown), kinds in the order they first came."""
        return [(k, n - SHOWN_PER_KIND) for k, n in self._seen.items() if n > SHOWN_PER_KIND]
