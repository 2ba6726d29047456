"""Lexicon suggestions: each group's most distinctive terms that no lexicon has yet, as
category-lexicon lines a person reviews, completes and pastes."""

from __future__ import annotations

import csv
import io
import re

from framing.distinctive import MAX_GROUPS, find_examples
from framing.pipeline import Result

HEADER = ["category", "term", "context", "note"]


def suggestions(result: Result, top: int) -> str:
    """A category-lexicon CSV: comments saying what to do, the header, then one line per
    candidate with the category blank and a note holding z, the counts and an example."""
    d = result.distinctive
    out = io.StringIO()
    out.write(
        "# Candidate lines from `framing lexicon suggest`: each group's most distinctive terms\n"
        "# (largest z against the rest) that no lexicon has yet. Fill in the category (for example\n"
        "# loaded_label or hedge), delete the lines you do not want, paste the rest into a lexicon\n"
        "# file with this header, and run: framing lexicon check\n"
    )
    if d is not None:
        out.write(
            f"# Keyness: {d.config.prior.describe()}; terms used at least {d.config.min_count} times.\n"
        )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    if d is None or len(result.groups) < 2:
        out.write("# No candidates: keyness needs at least two groups.\n")
        return out.getvalue()
    if not any(c.group_j == "rest" for c in d.comparisons):
        out.write(
            f"# No candidates: {len(result.groups):,} groups, and each is compared against the rest only "
            f"when there are at most {MAX_GROUPS}. Group by outlet type, or by outlet in a smaller corpus.\n"
        )
        return out.getvalue()
    seen: set[str] = set()
    candidates = []
    for c in d.comparisons:
        if c.group_j != "rest":
            continue
        picked = [k for k, t in enumerate(c.terms) if c.z[k] > 0 and t not in d.marks and t not in seen][:top]
        fresh = [c.row(k) for k in picked]
        for r in fresh:
            seen.add(r.term)
            candidates.append((c.group_i, r))
    find_examples(result.config, result.registry, d, {r.term: {(g, None)} for g, r in candidates})
    for group, r in sorted(candidates, key=lambda gr: (-abs(gr[1].z), gr[1].term)):
        note = f"z={r.z:+.2f} in {group} ({r.count_i} uses; {r.count_j} in the rest)"
        example = d.examples.get((group, r.term))
        if example:
            sentence = f"{example.before}{example.term}{example.after}"
            note += f"; e.g. {example.article}: {sentence}"
        # A note is one line, and `#` would start a comment where the lexicon reader looks.
        writer.writerow(["", r.term, "", re.sub(r"\s+", " ", note).replace("#", "No.")])
    return out.getvalue()
