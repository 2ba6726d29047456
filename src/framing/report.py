"""Results into text: the Markdown report a person reads and the JSON that holds the same
numbers. No disk, no scoring: formatting only. Same result, same bytes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from framing import __version__
from framing.clean import CleanText
from framing.compare import By, Group, HitKey, OutletTotals, group_key
from framing.distinctive import MAX_GROUPS, Distinctive, Example
from framing.keyness import Comparison
from framing.lexicon.load import Lexicon
from framing.outlets import Origin
from framing.pipeline import EVIDENCE_PER_CELL, ArticleResult, Result
from framing.score.lexicon import VOICES, Hit
from framing.score.readability import MEASURES
from framing.warning_kinds import Tally

VOICE_WORDS = {"own": "own voice", "scare": "scare-quoted", "quoted": "in quotes"}
KWIC_WIDTH = 90  # characters of context on each side of a hit, within its sentence
# Past this many groups a lexicon table gets a row per group, not a column: every outlet
# type fits as a column, but 232 outlets, or 10,000 articles, made rows no one could read.
SIDE_BY_SIDE_MAX = 12
SUMMARY_GROUPS = 10  # groups named in one line of the summary; the tables have every one

# ---- Markdown safety ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*\[\]|#~])|(?<![^\W_])_|_(?![^\W_])")


def md(text: str) -> str:
    """Text from an article made inert in Markdown and HTML, on one line. An underscore
    inside a word is left alone: it cannot start emphasis there."""
    text = re.sub(r"\s+", " ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def code(text: str) -> str:
    """An identifier as a code span: no escapes inside, but a table's `|` must still be `\\|`."""
    text = re.sub(r"\s+", " ", text).replace("`", "'").replace("|", "\\|")
    return f"`{text}`"


def num(x: float, places: int = 2) -> str:
    s = f"{x:,.{places}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s.replace(",", "")) == 0 else s


def rate(count: int, g: Group) -> str:
    return f"{num(g.per_thousand(count), 1)}/1k"


def group_head(g: Group) -> str:
    return f"{md(g.name)} (n={g.n}, {g.words:,} words)"


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


# ---- cells ------------------------------------------------------------------------------


def _terms(counts: Counter[str]) -> str:
    return ", ".join(f"{md(t)} ×{n}" for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _frame_uses(g: Group, lexicon: str, concept: str) -> dict[str, Counter[HitKey]]:
    """A group's hits of one concept, by frame."""
    frames: dict[str, Counter[HitKey]] = {}
    for k, n in g.counts.items():
        if k.lexicon == lexicon and k.concept == concept:
            frames.setdefault(k.label, Counter())[k] += n
    return frames


def _voices(uses: Counter[HitKey]) -> Counter[str]:
    voices: Counter[str] = Counter()
    for k, n in uses.items():
        voices[k.voice] += n
    return voices


def frame_cell(g: Group, lexicon: str, concept: str) -> str:
    """`accession ×1 · annexation: scare-quoted ×1, in quotes ×1`, with the terms behind a frame
    when they are not just the frame's own name."""
    frames = {f: (uses, _voices(uses)) for f, uses in _frame_uses(g, lexicon, concept).items()}
    parts = []
    order = sorted(frames, key=lambda f: (-frames[f][1]["own"], -sum(frames[f][1].values()), f))
    for frame in order:
        uses, voices = frames[frame]
        own = voices["own"]
        others = [f"{VOICE_WORDS[v]} ×{voices[v]}" for v in VOICES[1:] if voices[v]]
        text = md(frame) + (f" ×{own}" if own else "")
        if others:
            text += (", " if own else ": ") + ", ".join(others)
        terms: Counter[str] = Counter()
        for k, n in uses.items():
            terms[k.term] += n
        if set(t.casefold() for t in terms) != {frame.casefold()}:
            text += f" ({_terms(terms)})"
        parts.append(text)
    return " · ".join(parts) if parts else "–"


def category_cell(g: Group, lexicon: str, category: str) -> str:
    by_voice: dict[str, Counter[str]] = {v: Counter() for v in VOICES}
    for k, n in g.counts.items():
        if k.lexicon == lexicon and k.label == category and not k.concept:
            by_voice[k.voice][k.term] += n
    if not any(by_voice.values()):
        return "–"
    total = sum(by_voice["own"].values())
    text = f"**{total}** ({rate(total, g)})" + (f": {_terms(by_voice['own'])}" if total else "")
    for v in VOICES[1:]:
        if by_voice[v]:
            text += f" · {VOICE_WORDS[v]}: {_terms(by_voice[v])}"
    return text


# ---- sections ---------------------------------------------------------------------------


def summary(result: Result) -> list[str]:
    groups = result.groups
    lines = ["## Summary", ""]
    if len(groups) < 2:
        lines += [
            f"One group only ({md(groups[0].name)}): nothing to set side by side. "
            "Group by `outlet` or `article`, or add coverage from other outlets.",
            "",
        ]
        return lines
    for lex in in_report_order(result.lexicons):
        lines += _concept_contrasts(lex, groups) if lex.kind == "contrast" else _category_lines(lex, groups)
    tone = sorted(groups, key=lambda g: (g.mean_sentence_compound, g.name))
    lines.append(
        f"- **Tone** (VADER, mean over sentences): most negative {group_head(tone[0])} at "
        f"{num(tone[0].mean_sentence_compound, 3)}; most positive {group_head(tone[-1])} at "
        f"{num(tone[-1].mean_sentence_compound, 3)}."
    )
    grade = sorted(groups, key=lambda g: (g.readability_mean("flesch_kincaid_grade"), g.name))
    lines.append(
        f"- **Reading level** (Flesch–Kincaid grade): easiest {group_head(grade[0])} at "
        f"{num(grade[0].readability_mean('flesch_kincaid_grade'), 1)}; hardest {group_head(grade[-1])} at "
        f"{num(grade[-1].readability_mean('flesch_kincaid_grade'), 1)}."
    )
    return [*lines, ""]


def _concept_contrasts(lex: Lexicon, groups: list[Group], most: int = 5) -> list[str]:
    """Concepts that groups name differently: a frame one group uses in its own voice and
    another, which also names the thing, does not; strongest where a group only quotes or
    scare-quotes the frame another uses as its own word."""
    found = []
    for concept in _names(lex):
        own: dict[str, set[str]] = {}
        distanced: dict[str, set[str]] = {}
        for g in groups:
            frames = _frame_uses(g, lex.file, concept)
            if frames:
                own[g.name] = {f for f, uses in frames.items() if _voices(uses)["own"]}
                distanced[g.name] = set(frames) - own[g.name]
        differ, kept_away = _contrast(own, distanced)
        if not (differ or kept_away):
            continue
        uses = {g.name: g.total(lex.file, concept=concept) for g in groups}
        users, more = _most([g for g in groups if g.name in own], uses, "groups with this concept")
        words = "; ".join(_frames_in_words(g, lex.file, concept) for g in users) + more
        cells = "; ".join(f"{md(g.name)}: {frame_cell(g, lex.file, concept)}" for g in users) + more
        line = f"- **{md(concept)}**: {words}. Counts: {cells}."
        total = sum(uses.values())
        found.append((-int(differ) - int(kept_away), -total, concept, line))
    return [line for *_, line in sorted(found)[:most]]


def _contrast(own: dict[str, set[str]], distanced: dict[str, set[str]]) -> tuple[bool, bool]:
    """Whether two groups' own words for a concept differ, and whether a group's own word is
    one another group only quotes or scare-quotes. A group's two sets are disjoint, so a
    frame in one group's own set and in any group's distanced set is such a pair. Over the
    groups once, not over every pair of them: grouped by article, the 4,680 articles of the
    100k benchmark corpus that name sanctions are 22 million pairs."""
    differ = len({frozenset(frames) for frames in own.values()}) > 1
    kept_away = bool(set[str]().union(*own.values()) & set[str]().union(*distanced.values()))
    return differ, kept_away


def _most(groups: list[Group], weight: dict[str, int], what: str) -> tuple[list[Group], str]:
    """At most SUMMARY_GROUPS of `groups`, those of most weight (in their own order), and
    what to say of the rest."""
    if len(groups) <= SUMMARY_GROUPS:
        return groups, ""
    kept = {g.name for g in sorted(groups, key=lambda g: (-weight[g.name], g.name))[:SUMMARY_GROUPS]}
    return [g for g in groups if g.name in kept], f"; and {len(groups) - SUMMARY_GROUPS:,} more {what}"


def _frames_in_words(g: Group, lexicon: str, concept: str) -> str:
    """'state_media says *accession*, and *annexation* only in scare quotes and quotations'."""
    voices = {f: _voices(uses) for f, uses in _frame_uses(g, lexicon, concept).items()}
    own = sorted((f for f in voices if voices[f]["own"]), key=lambda f: (-voices[f]["own"], f))
    kept_away = sorted(f for f in voices if not voices[f]["own"])
    parts = []
    if own:
        parts.append("says " + _and(f"*{md(f)}*" for f in own))
    if kept_away:
        kinds = {v for f in kept_away for v in voices[f] if voices[f][v]}
        where = _and(w for v, w in (("scare", "scare quotes"), ("quoted", "quotations")) if v in kinds)
        parts.append(
            ("has " if not own else "and ") + _and(f"*{md(f)}*" for f in kept_away) + f" only in {where}"
        )
    return f"{md(g.name)} " + ", ".join(parts)


def _and(items: Iterable[str]) -> str:
    words = list(items)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _category_lines(lex: Lexicon, groups: list[Group]) -> list[str]:
    """Per category: the groups that use it in their own voice, highest rate first."""
    lines = []
    for category in _names(lex):
        using: list[tuple[float, str, Group]] = []
        silent: list[tuple[float, str, Group]] = []
        for g in groups:
            n = g.total(lex.file, label=category, voice="own")
            (using if n else silent).append((-g.per_thousand(n), g.name, g))
        if not using or (not silent and len({u[0] for u in using}) == 1):
            continue
        ranked = [g for *_, g in sorted(using)]
        shown = ranked[:SUMMARY_GROUPS]
        parts = [f"{md(g.name)} {category_cell(g, lex.file, category)}" for g in shown]
        if len(ranked) > len(shown):
            parts.append(f"and {len(ranked) - len(shown):,} more groups using it")
        if len(silent) > SUMMARY_GROUPS:
            tail = f"; none in {len(silent):,} groups"
        elif silent:
            tail = f"; none in {', '.join(md(name) for _, name, _ in sorted(silent, key=lambda s: s[1]))}"
        else:
            tail = ""
        lines.append(f"  - {md(category)}: " + "; ".join(parts) + tail + ".")
    if not lines:
        return []
    return [f"- **{md(lex.title)}** (own voice, per 1,000 words):", *lines]


def _names(lex: Lexicon) -> list[str]:
    """The concepts (contrast lexicon) or categories (category lexicon), in file order."""
    return list(dict.fromkeys(e.concept or e.category for e in lex.entries))


def _owned(state_owned: str) -> str:
    return {"yes": ", state-owned", "partly": ", partly state-owned"}.get(state_owned, "")


def _type_cell(type_: str, state_owned: str) -> str:
    owned = _owned(state_owned)
    return md(type_) + (f" ({owned[2:]})" if owned else "")


def _origin(o: Origin) -> str:
    return f"{md(o.outlet)} ({md(o.type)}{_owned(o.state_owned)})"


OUTLETS_HEADER = ["outlet", "type", "articles", "words", "dates", "origin"]
ARTICLES_HEADER = ["id", "outlet", "type", "origin", "date", "words", "title"]
TAGGING_INTRO = "How each article was tagged, and what was cut from the analysed text:"


def outlets_section(result: Result) -> list[str]:
    """Each outlet under its tag, then what the reader should know before the tables: the
    articles of unknown type and the inputs skipped or read with care. As long as the
    outlets, not the articles: a corpus of 10,000 articles listed here pushed the tables
    22,000 lines down."""
    rows = [
        [
            md(o.outlet),
            _type_cell(o.type, o.state_owned),
            f"{o.articles:,}",
            f"{o.words:,}",
            _dates_cell(o),
            "; ".join(f"{_origin(k)} ×{n}" for k, n in _ranked_origins(o)) or "–",
        ]
        for o in result.outlets
    ]
    lines = [
        "## Outlets",
        "",
        *table(OUTLETS_HEADER, rows),
        "",
        "Each article, the evidence for its outlet's tag and what cleaning cut from it are listed "
        "under [Articles](#articles) at the end.",
    ]
    if result.unknown:
        lines += [
            "",
            f"Outlet type unknown for {result.unknown} article(s): not in the registry and no cue "
            "in the text. Add the outlet to `lexicons/outlets.csv` or give it in a manifest.",
        ]
    if result.warnings:
        tally = Tally()
        shown = [f"- {md(w)}" for w in result.warnings if tally.show(w)]
        more = [
            f"- … and {n:,} more like “{md(k)}” (the JSON's `warnings` lists every one)"
            for k, n in tally.hidden()
        ]
        lines += ["", "Skipped or read with care:", "", *shown, *more]
    return [*lines, ""]


def _dates_cell(o: OutletTotals) -> str:
    """`2016-04-07 – 2021-06-07`: the outlet's first and last day, and how many of its
    articles have a date that is not a YYYY-MM-DD day (missing, or written otherwise)."""
    days = "–" if not o.first else o.first if o.first == o.last else f"{o.first} – {o.last}"
    if o.undated and o.first:
        days += f" ({o.undated:,} not YYYY-MM-DD)"
    return days


def _ranked_origins(o: OutletTotals) -> list[tuple[Origin, int]]:
    """Whose copy the outlet reposted, and how often: most first, then by name."""
    return sorted(o.origins.items(), key=lambda kn: (-kn[1], kn[0].outlet, kn[0].type, kn[0].state_owned))


def articles_head() -> list[str]:
    """The last section's start; the article rows follow, then their tagging lines."""
    return ["## Articles", "", *table(ARTICLES_HEADER, [])]


def article_row(a: ArticleResult) -> str:
    t = a.tag
    cells = [
        code(a.article.id),
        md(t.outlet),
        _type_cell(t.type, t.state_owned),
        _origin(t.origin) if t.origin else "–",
        md(a.article.date) or "–",
        f"{a.words:,}",
        md(a.article.title) or "–",
    ]
    return "| " + " | ".join(cells) + " |"


def tagging_lines(a: ArticleResult) -> list[str]:
    lines = [f"- {code(a.article.id)}: " + "; ".join(md(e) for e in a.tag.evidence)]
    removed = Counter(r.reason for r in a.base.removed)
    if removed:
        lines.append("  - cut: " + "; ".join(f"{md(r)} ×{n}" for r, n in sorted(removed.items())))
    return lines


def in_report_order(lexicons: list[Lexicon]) -> list[Lexicon]:
    """Contrast lexicons (the loaded terms side by side) first, then category lexicons."""
    return sorted(lexicons, key=lambda lex: (lex.kind != "contrast", lex.file))


def lexicon_tables(result: Result) -> list[str]:
    lines: list[str] = []
    heads = [group_head(g) for g in result.groups]
    cell: Callable[[Group, str, str], str]
    for lex in in_report_order(result.lexicons):
        if lex.kind == "contrast":
            title = f"Loaded terms side by side: {md(lex.file)}"
            intro = (
                "Each cell: the frames a group uses, own voice first; "
                "words it only quotes or scare-quotes are marked so."
            )
            column, names, cell = "concept", _names(lex), frame_cell
        else:
            title = f"{md(lex.title)} ({md(lex.file)})"
            intro = (
                "Each cell: uses in the outlet's own voice, with the rate per 1,000 words, "
                "then scare-quoted uses and uses inside quotations."
            )
            column, names, cell = "category", _names(lex), category_cell
        rows = []
        for name in names:
            cells = [cell(g, lex.file, name) for g in result.groups]
            # Every category is a row (a zero is a finding); a concept no group names is left out.
            if lex.kind == "category" or any(c != "–" for c in cells):
                rows.append([f"**{md(name)}**", *cells])
        lines += [f"## {title}", "", intro, ""]
        if not rows:
            lines.append("No term of this lexicon occurs.")
        elif len(heads) <= SIDE_BY_SIDE_MAX:
            lines += table([column, *heads], rows)
        else:
            by_group = [list(r) for r in zip(heads, *(row[1:] for row in rows), strict=True)]
            if lex.kind == "contrast":  # as a concept no group names is left out above
                named = [r for r in by_group if any(c != "–" for c in r[1:])]
                left = len(by_group) - len(named)
                if left:
                    who = "1 group names" if left == 1 else f"{left:,} groups name"
                    lines += [f"Left out: {who} none of these concepts.", ""]
                by_group = named
            lines += table(["group", *(row[0] for row in rows)], by_group)
        lines.append("")
    return lines


def tone_and_readability(result: Result) -> list[str]:
    lines = [
        "## Tone and readability",
        "",
        "Tone is VADER's compound score (−1 to +1); a sentence counts as positive at ≥ 0.05 and "
        "negative at ≤ −0.05. Readability is textstat's, means over the group's articles.",
        "",
    ]
    header = [
        "group",
        "articles",
        "words",
        "sentences",
        "tone: sentences (mean)",
        "positive sentences",
        "negative sentences",
        *MEASURES.values(),
    ]
    rows = []
    for g in result.groups:
        rows.append(
            [
                md(g.name),
                str(g.n),
                f"{g.words:,}",
                f"{g.sentences:,}",
                num(g.mean_sentence_compound, 3),
                f"{num(100 * g.positive_share, 0)}%",
                f"{num(100 * g.negative_share, 0)}%",
                *(num(g.readability_mean(m), 1) for m in MEASURES),
            ]
        )
    return [*lines, *table(header, rows), ""]


def kwic(text: str, h: Hit) -> str:
    s, e = h.sentence
    left = max(s, h.start - KWIC_WIDTH)
    right = min(e, h.end + KWIC_WIDTH)
    # Cut the window at word boundaries, not inside a word.
    if left > s:
        space = text.find(" ", left, h.start)
        left = space + 1 if space != -1 else left
    if right < e:
        space = text.rfind(" ", h.end, right)
        right = space if space != -1 else right
    before = ("…" if left > s else "") + md(text[left : h.start])
    after = md(text[h.end : right]) + ("…" if right < e else "")
    return f"{before}**{md(text[h.start : h.end])}**{after}"


class Evidence:
    """Keyword-in-context lines for the report: the first EVIDENCE_PER_CELL hits of each
    table cell and voice (term group × outlet group × frame × voice), in input order; the
    rest are counted, and every hit is in the JSON."""

    def __init__(self, by: By, per_cell: int = EVIDENCE_PER_CELL) -> None:
        self.by = by
        self.per_cell = per_cell
        self.kept: dict[tuple[str, str], list[str]] = {}  # (lexicon, name) -> lines
        self.total: Counter[tuple[str, str]] = Counter()
        self._cells: Counter[tuple[str, ...]] = Counter()

    def add(self, a: ArticleResult) -> None:
        group = group_key(a.scores(), self.by) if a.hits else ""
        for h in a.hits:
            name = h.entry.concept or h.entry.category
            label = h.entry.frame or h.entry.category
            where = (h.entry.lexicon, name)
            self.total[where] += 1
            cell = (*where, group, label, h.voice)
            if self._cells[cell] >= self.per_cell:
                continue
            self._cells[cell] += 1
            # a.clean is rebuilt only here, for the lines kept (few, in a large corpus)
            start, end = a.clean.span_to_original(h.start, h.end)
            place = f"{md(a.tag.outlet)} · {md(a.tag.type)} · {md(a.article.date) or '–'}"
            self.kept.setdefault(where, []).append(
                f"- {code(a.article.id)} · {place} · {md(label)}, {VOICE_WORDS[h.voice]} · "
                f"chars {start}–{end}: {kwic(a.clean.text, h)}"
            )

    def lines(self, lexicons: list[Lexicon]) -> list[str]:
        lines = [
            "## Evidence",
            "",
            "Every hit counted above, in the words of the text as published "
            "(id · outlet · type · date · where in the original). "
            f"Where a table cell has more than {self.per_cell} hits in one voice, the first "
            f"{self.per_cell} are shown here and all of them are in the JSON.",
            "",
        ]
        for lex in in_report_order(lexicons):
            names = [n for n in _names(lex) if (lex.file, n) in self.kept]
            if not names:
                continue
            lines += [f"### {md(lex.title)}", ""]
            for name in names:
                kept = self.kept[(lex.file, name)]
                total = self.total[(lex.file, name)]
                shown = f"{total}" if len(kept) == total else f"{len(kept)} of {total} shown"
                lines += [f"#### {md(name)} ({shown})", "", *kept, ""]
        return lines


def markdown_head(result: Result) -> list[str]:
    """Title, summary and outlets: what a reader needs before the tables."""
    c = result.config
    if len(result.groups) <= SIDE_BY_SIDE_MAX:
        groups = ", ".join(f"{md(g.name)} ({g.n})" for g in result.groups)
    else:  # grouped by article, this line listed every article
        groups = f"{len(result.groups):,} groups, each in the tone and readability table"
    outlets = len({o.outlet for o in result.outlets})
    lines = [
        f"# Framing comparison: {md(c.name)}",
        "",
        f"{result.articles:,} articles from {outlets:,} outlets, "
        f"grouped by {c.by.replace('_', ' ')}: {groups}. "
        f"Lexicons: {', '.join(code(lex.file) for lex in result.lexicons)}. framing {__version__}.",
        "",
    ]
    return lines + summary(result) + outlets_section(result)


def distinctive_vocabulary(result: Result) -> list[str]:
    d = result.distinctive
    if d is None:
        return []
    k = d.config
    lines = [
        "## Distinctive vocabulary",
        "",
        "Words and two-word phrases one group uses more than the others (z > 0) or less (z < 0): "
        "the log-odds ratio with informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "
        f"{'their' if k.variance == 'monroe' else 'scattertext’s four-term'} variance, "
        f"{d.config.prior.describe()}; G² is the signed log-likelihood (no correction). "
        f"Terms used fewer than {k.min_count} times in a comparison are left out, except lexicon terms"
        + (f"; stop words left out: {len(k.stop_words)}" if k.stop_words else "; stop words are kept")
        + ". Words and phrases are counted separately. The JSON has the full tables, with the "
        "rarer lexicon terms in a list of their own.",
        "",
    ]
    if not d.comparisons:
        if len(result.groups) > MAX_GROUPS:
            why = (
                f"{len(result.groups):,} groups: each is compared against the rest only when there are at "
                f"most {MAX_GROUPS}. Group by outlet type or outlet, or name pairs with --pair."
            )
        else:
            why = "One group only: nothing to compare."
        return [*lines, why, ""]
    for c in d.comparisons:
        other = "the rest" if c.group_j == "rest" else md(c.group_j)
        kind = "words" if c.n == 1 else "two-word phrases"
        more, less = d.top(c)
        lines += [f"### {md(c.group_i)} against {other}: {kind}", ""]
        rows = []
        for r in more + less:
            if r.z > 0:
                example = d.examples.get((c.group_i, r.term))
            else:
                example = d.examples.get(("not " + c.group_i if c.group_j == "rest" else c.group_j, r.term))
            rows.append(
                [
                    md(r.term),
                    f"{r.count_i:,}",
                    f"{r.count_j:,}",
                    f"{r.z:+.2f}",
                    f"{r.g2:+.1f}",
                    md("; ".join(d.marks.get(r.term, []))) or "–",
                    _example_cell(example),
                ]
            )
        header = ["term", f"n in {md(c.group_i)}", f"n in {other}", "z", "G²", "in lexicon", "example"]
        lines += table(header, rows) if rows else ["No term passes the threshold."]
        marked = [c.row(k) for k, t in enumerate(c.terms) if t in d.marks]
        if marked:
            lines += [
                "",
                "Lexicon terms in this comparison (z; counts): "
                + ", ".join(f"{md(r.term)} {r.z:+.2f} ({r.count_i}/{r.count_j})" for r in marked)
                + ".",
            ]
        lines.append("")
    return lines


def _example_cell(example: Example | None) -> str:
    if example is None:
        return "–"
    return f"{code(example.article)}: {md(example.before)}**{md(example.term)}**{md(example.after)}"


def markdown_tail(result: Result, evidence: Evidence) -> list[str]:
    """After the head: the tables, the evidence, and the start of the article table, whose
    rows and tagging lines (as long as the corpus) end the report."""
    lines = lexicon_tables(result) + tone_and_readability(result) + distinctive_vocabulary(result)
    return lines + evidence.lines(result.lexicons) + articles_head()


# ---- JSON -------------------------------------------------------------------------------


def _r(x: float) -> float:
    return round(x, 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _r_column(values: list[float]) -> list[float]:
    """_r of each value, in NumPy: a keyness table can hold millions of rows, and round()
    with digits costs half a microsecond a value.

    round(x, 4) rounds the exact value of x half-to-even to 4 decimals and returns the double
    nearest that decimal; rint(x · 10⁴) / 10⁴ does the same whenever the product's rounding
    error cannot carry it across a half-integer (the division is correctly rounded). Values
    whose product lies within a few units in the last place of a half-integer, and values
    too large for the product to keep a fraction (or not finite), go through round()."""
    with np.errstate(invalid="ignore", over="ignore"):
        product = np.asarray(values, dtype=np.float64) * 10000.0
        margin = 8 * np.spacing(np.maximum(np.abs(product), 1.0))
        near_tie = np.abs(product - np.floor(product) - 0.5) <= margin
        exact = ~near_tie & (np.abs(product) < 2.0**52)  # False for nan and inf too
        out: list[float] = (np.rint(product) / 10000.0 + 0.0).tolist()
    for k in np.flatnonzero(~exact).tolist():
        out[k] = round(values[k], 4) + 0.0
    return out


def _compact(value: object) -> str:
    # No indent: json's C encoder does the work (with an indent it falls back to Python,
    # which was most of a re-run's time on 100,000 articles).
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _block(value: object) -> str:
    """A dict one key per line (nested dicts likewise), a list one item per line, the items
    and anything else compact."""
    if isinstance(value, list):
        return "[\n" + ",\n".join(_compact(v) for v in value) + "\n]" if value else "[]"
    if isinstance(value, dict):
        items = [f"{_compact(k)}: {_block(v)}" for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + "\n}"
    return _compact(value)


def article_json(a: ArticleResult, clean: CleanText) -> str:
    """One article's JSON, on one line of the report's "articles" list."""
    return _compact(_article_json(a, clean))


def _article_json(a: ArticleResult, clean: CleanText) -> dict[str, object]:
    t = a.tag
    b = a.base
    hits = []
    for h in a.hits:
        start, end = clean.span_to_original(h.start, h.end)
        hits.append(
            {
                "lexicon": h.entry.lexicon,
                "line": h.entry.line,
                "term": h.entry.term,
                "concept": h.entry.concept,
                "frame": h.entry.frame,
                "category": h.entry.category,
                "matched": a.article.text[start:end],
                "start": start,
                "end": end,
                "voice": h.voice,
            }
        )
    return {
        "id": a.article.id,
        "source": a.article.source,
        "outlet": t.outlet,
        "outlet_type": t.type,
        "state_owned": t.state_owned,
        "origin": None if t.origin is None else _origin_json(t.origin),
        "evidence": list(t.evidence),
        "date": a.article.date,
        "url": a.article.url,
        "title": a.article.title,
        "words": a.words,
        "sentences": b.sentences,
        "quoted_share": _r(b.quoted_share),
        "sentiment": {
            "mean_sentence_compound": _r(b.sentiment.mean_sentence),
            "positive_sentences": b.sentiment.positive,
            "negative_sentences": b.sentiment.negative,
        },
        "readability": {k: _r(v) for k, v in vars(b.readability).items()},
        "removed": [{"reason": r.reason, "start": r.start, "end": r.end} for r in b.removed],
        "counts": _counts_json(Counter(a.scores().hits), a.words),
        "hits": hits,
    }


def _counts_json(counts: Counter[HitKey], words: int) -> list[dict[str, object]]:
    return [
        {
            "lexicon": k.lexicon,
            "concept": k.concept,
            "label": k.label,
            "term": k.term,
            "voice": k.voice,
            "count": n,
            "per_1000_words": _r(1000 * n / words if words else 0.0),
        }
        for k, n in sorted(
            counts.items(),
            key=lambda kv: (kv[0].lexicon, kv[0].concept, kv[0].label, kv[0].term, kv[0].voice),
        )
    ]


def _group_json(g: Group) -> dict[str, object]:
    return {
        "name": g.name,
        "articles": g.articles,
        "words": g.words,
        "sentences": g.sentences,
        "sentiment": {
            "mean_sentence_compound": _r(g.mean_sentence_compound),
            "positive_share": _r(g.positive_share),
            "negative_share": _r(g.negative_share),
        },
        "readability": {m: _r(g.readability_mean(m)) for m in MEASURES},
        "counts": _counts_json(g.counts, g.words),
    }


def _origin_json(o: Origin) -> dict[str, object]:
    return {"outlet": o.outlet, "type": o.type, "state_owned": o.state_owned}


def _outlet_json(o: OutletTotals) -> dict[str, object]:
    return {
        "outlet": o.outlet,
        "outlet_type": o.type,
        "state_owned": o.state_owned,
        "articles": o.articles,
        "words": o.words,
        "origins": [{**_origin_json(k), "articles": n} for k, n in _ranked_origins(o)],
        "first_date": o.first or None,
        "last_date": o.last or None,
        "articles_without_iso_date": o.undated,
    }


# A keyness table is a list of rows under one header: the tables can be long. Whether a term
# is in a lexicon is said once, in "lexicon_marks", not in every table: the tables then stay
# the same across lexicon edits, and the result store can keep them (see writers.py).
KEYNESS_COLUMNS = ["term", "count", "count_other", "delta", "z", "g2", "chi2"]

# The JSON report is written as UTF-8 parts (bytes): parts kept in the result store are
# copied to the file as they are, without decoding and encoding hundreds of megabytes.
TableRows = Callable[[Distinctive, Comparison], Iterable[bytes]]


def table_rows_json(d: Distinctive, c: Comparison) -> Iterator[bytes]:
    """The "rows" of comparison `c` without the enclosing brackets, a part at a time: the
    text json.dumps gives for the whole list, less its "[" and "]"."""
    first = True
    for part in d.table(c):
        text = _keyness_rows_text(part)
        if text:
            yield (text if first else ", " + text).encode("utf-8")
            first = False


def _comparison_json(d: Distinctive, c: Comparison, rows: Iterable[bytes]) -> Iterator[bytes]:
    """One comparison as one JSON object, as json.dumps would give it ("rows" sorts last
    of its keys): the terms used at least min_count times in "rows", written from `rows`
    (table_rows_json's parts), and the lexicon terms used fewer times in their own list."""
    head = _compact(
        {
            "group": c.group_i,
            "against": c.group_j,
            "n": c.n,
            "columns": KEYNESS_COLUMNS,
            "lexicon_rows_below_min_count": _keyness_rows(d.listed(c)),
            "rows": [],
        }
    )
    yield (head.removesuffix("[]}") + "[").encode("utf-8")
    yield from rows
    yield b"]}"


def _keyness_rows(c: Comparison) -> list[list[object]]:
    # Column by column with map(): every call runs in C, and a table can hold millions of
    # rows. Each number goes through _r's rounding.
    rows = zip(
        c.terms,
        c.count_i,
        c.count_j,
        *(_r_column(column) for column in (c.delta, c.z, c.g2, c.chi2)),
        strict=True,
    )
    return list(map(list, rows))


_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')  # what json.dumps escapes with ensure_ascii=False
_KEYNESS_ROW = '["{}", {}, {}, {!r}, {!r}, {!r}, {!r}]'.format


def _keyness_rows_text(c: Comparison) -> str:
    """_compact(_keyness_rows(c)) without its brackets, formatted row by row in C: the
    encoder's general path was a third of a large corpus's end phase. Terms are tokens,
    which never hold a character JSON escapes, and finite floats print as repr() prints
    them; anything else takes json.dumps."""
    columns = [_r_column(column) for column in (c.delta, c.z, c.g2, c.chi2)]
    plain = not _JSON_ESCAPED.search("".join(c.terms)) and all(
        np.isfinite(np.asarray(column, dtype=np.float64)).all() for column in columns
    )
    if not plain:
        return _compact(_keyness_rows(c))[1:-1]
    return ", ".join(map(_KEYNESS_ROW, c.terms, c.count_i, c.count_j, *columns))


def _keyness_json(d: Distinctive, rows: TableRows) -> Iterator[bytes]:
    """The "keyness" value, a comparison at a time: the tables of a large corpus hold
    millions of rows, too many to build as one document in memory."""
    k = d.config
    yield b'{\n"comparisons": ' + (b"[\n" if d.comparisons else b"[]")
    for i, c in enumerate(d.comparisons):
        yield b"" if i == 0 else b",\n"
        yield from _comparison_json(d, c, rows(d, c))
    rest = {
        "method": "log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)",
        "variance": k.variance,
        "prior": k.prior.describe(),
        "min_count": k.min_count,
        "stop_words": sorted(k.stop_words),
        "lexicon_marks": d.marks,
    }
    yield (
        ("\n]" if d.comparisons else "")
        + "".join(f",\n{_compact(key)}: {_block(value)}" for key, value in sorted(rest.items()))
    ).encode("utf-8")
    yield b"\n}"


def json_head() -> bytes:
    """The report's JSON up to its article list ("articles" sorts first of its keys). One
    article per line: a corpus of any size stays easy to split, grep and stream."""
    return b'{\n"articles": [\n'


def json_tail(result: Result, rows: TableRows = table_rows_json) -> Iterator[bytes]:
    """Everything after the article list, as json.dumps(..., sort_keys=True) puts it;
    `rows` gives each keyness table's rows (made afresh, or kept in the result store)."""
    data: dict[str, object] = {
        "framing_version": __version__,
        "name": result.config.name,
        "by": result.config.by,
        "lexicons": [
            {"file": lex.file, "kind": lex.kind, "entries": len(lex.entries), "sha256": lex.sha256}
            for lex in result.lexicons
        ],
        "registry": [{"file": f, "sha256": h} for f, h in sorted(result.registry.sha256.items())],
        "warnings": result.warnings,
        "groups": [_group_json(g) for g in result.groups],
        "outlets": [_outlet_json(o) for o in result.outlets],
    }
    keys = sorted([*data, "keyness"] if result.distinctive else data)
    yield b"\n],\n"
    for i, key in enumerate(keys):
        yield (("" if i == 0 else ",\n") + f"{_compact(key)}: ").encode("utf-8")
        if key == "keyness":
            assert result.distinctive is not None
            yield from _keyness_json(result.distinctive, rows)
        else:
            yield _block(data[key]).encode("utf-8")
    yield b"\n}\n"
