"""Cleaning: find page furniture and repeated copy, cut it from the analysed text.

Each step is a small pure function from the current text to the spans it wants cut, with
a reason. Cuts only remove characters, never rewrite them, so every character of the
analysed text is a character of the original and every offset maps back to it: the report
quotes the text as published. No rule names a file or an outlet.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise

import numpy as np

from framing.text import sentences, tokens_and_words


@dataclass(frozen=True, slots=True)
class Cut:
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed span, in original offsets, with why it was removed."""

    start: int
    end: int
    reason: str


@dataclass
class CleanText:
    original: str
    text: str
    # Original spans kept, in order; the analysed text is their concatenation.
    pieces: list[tuple[int, int]]
    removed: list[Removal] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._starts = []
        pos = 0
        for s, e in self.pieces:
            self._starts.append(pos)
            pos += e - s

    def to_original(self, offset: int) -> int:
        """The original offset of the analysed text's character at `offset`."""
        if not self.pieces:
            return 0
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self.pieces[i][0] + (offset - self._starts[i])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def apply(self, cuts: list[Cut]) -> None:
        """Remove `cuts` (offsets in the current analysed text), in one pass over the pieces."""
        if not cuts:
            return
        merged = _merge(cuts)
        pieces: list[tuple[int, int]] = []
        ci = 0
        for (ps, pe), cs in zip(self.pieces, self._starts, strict=True):
            ce = cs + (pe - ps)
            pos = cs  # how far into this piece (in analysed offsets) we have kept or cut
            while ci < len(merged) and merged[ci].start < ce:
                cut = merged[ci]
                lo, hi = max(cut.start, cs), min(cut.end, ce)
                if lo > pos:
                    pieces.append((ps + pos - cs, ps + lo - cs))
                if hi > lo:
                    self.removed.append(Removal(ps + lo - cs, ps + hi - cs, cut.reason))
                pos = max(pos, hi)
                if cut.end > ce:
                    break  # the cut goes on into the next piece
                ci += 1
            if pos < ce:
                pieces.append((ps + pos - cs, pe))
        self.pieces = _join_adjacent(pieces)
        self.text = "".join(self.original[s:e] for s, e in self.pieces)
        self.removed.sort(key=lambda r: (r.start, r.end))
        self._index()


def restore(original: str, removed: list[Removal]) -> CleanText:
    """The CleanText that cleaning `original` gave, from its removals alone (for results
    read back from the cache: the cleaned text need not be stored)."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for r in sorted(removed, key=lambda r: (r.start, r.end)):
        if r.start > pos:
            pieces.append((pos, r.start))
        pos = max(pos, r.end)
    if pos < len(original):
        pieces.append((pos, len(original)))
    text = "".join(original[s:e] for s, e in pieces)
    return CleanText(original, text, pieces, list(removed))


def _merge(cuts: list[Cut]) -> list[Cut]:
    out: list[Cut] = []
    for c in sorted(cuts, key=lambda c: (c.start, c.end)):
        if out and c.start <= out[-1].end:
            last = out[-1]
            out[-1] = Cut(last.start, max(last.end, c.end), last.reason)
        else:
            out.append(c)
    return out


def _join_adjacent(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int  # including the line break, so cutting a line leaves no empty line
    text: str  # without the line break


@lru_cache(maxsize=4)
def lines(text: str) -> list[Line]:
    """The lines of `text`. Memoised: the steps mostly see the same text one after another
    (most pages have nothing cut), and splitting it once is enough. Callers must not
    change the list."""
    return [
        Line(m.start(), m.end(), m.group(1))
        for m in re.finditer(r"([^\n]*)(?:\n|$)", text)
        if m.end() > m.start()
    ]


@lru_cache(maxsize=4)
def _line_starts(text: str) -> np.ndarray:
    """The starts of lines(text), as an array to look offsets up in. Memoised as the lines
    are: the paragraph keys and the sentences of one text are both placed on its lines."""
    all_lines = lines(text)
    return np.fromiter((ln.start for ln in all_lines), dtype=np.int64, count=len(all_lines))


def _cut_line(line: Line, reason: str) -> Cut:
    return Cut(line.start, line.end, reason)


# ---- the steps ------------------------------------------------------------------------


# A tag, or where a block that runs to its closing mark begins: script, style, a comment.
_TAG_OR_BLOCK = re.compile(r"<(script|style)\b|<!--|</?[A-Za-z][^<>]{0,400}>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,400}>", re.I)  # re.I: also İ, ı, ſ and K
_BLOCK_CLOSE = {
    "script": re.compile(r"</script\s*>", re.I),
    "style": re.compile(r"</style\s*>", re.I),
    "<!--": re.compile("-->"),
}


def html_tags(text: str) -> list[Cut]:
    """HTML tags left in an export (script and style with their content, and comments):
    what the regex `<(script|style)\\b.*?</\\1\\s*>|<!--.*?-->|</?[A-Za-z][^<>]{0,400}>`
    (re.S, re.I) finds. That regex reads on to the end of the text from every script, style
    or comment left unclosed, so a text of many took time that grew with its square; here
    each kind's closing marks are found once, and the first after a block is bisected for."""
    if "<" not in text:
        return []
    closes: dict[str, tuple[list[int], list[int]]] = {}  # kind -> its closing marks' starts, ends

    def close_after(kind: str, pos: int) -> int | None:
        if kind not in closes:
            found = list(_BLOCK_CLOSE[kind].finditer(text))
            closes[kind] = ([m.start() for m in found], [m.end() for m in found])
        starts, ends = closes[kind]
        i = bisect_left(starts, pos)
        return ends[i] if i < len(starts) else None

    cuts = []
    pos = 0
    while m := _TAG_OR_BLOCK.search(text, pos):
        if m.group(1):  # script or style: to its closing tag, else a tag if it is one
            end = close_after("script" if len(m.group(1)) == 6 else "style", m.end())
            if end is None and (tag := _TAG.match(text, m.start())):
                end = tag.end()
        elif m.group() == "<!--":
            end = close_after("<!--", m.end())
        else:
            end = m.end()
        if end is None:  # nothing here, as the regex finds nothing at this "<"
            pos = m.start() + 1
        else:
            cuts.append(Cut(m.start(), end, "HTML markup"))
            pos = end
    return cuts


_ICONS = 5  # icon labels on a line, at least


def icon_strip(text: str) -> list[Cut]:
    """A line of icon labels from a page's navigation ("icon bookmark-bicon camera…")."""
    # A word is an icon label when its casefolded form holds "icon", so a text whose
    # casefolded form holds it fewer than _ICONS times has no such line: found in C, where
    # a case-blind regex search took three times as long.
    if text.casefold().count("icon") < _ICONS:
        return []
    cuts = []
    for line in lines(text):
        words = line.text.split()
        icons = sum(1 for w in words if "icon" in w.casefold())
        if icons >= _ICONS and icons >= 0.3 * len(words):
            cuts.append(_cut_line(line, "icon labels from the page navigation"))
    return cuts


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_TIMESTAMP = re.compile(
    rf"\s*(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:[,\s]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,5})?)?\s*"
)


def timestamp_lines(text: str) -> list[Cut]:
    """A line that holds only a publication date and time ("7 Apr, 2016 05:27")."""
    return [_cut_line(ln, "publication timestamp") for ln in lines(text) if _TIMESTAMP.fullmatch(ln.text)]


_PROFILE_LABELS = re.compile(
    r"^[-•*\s]*(joined|messages|posts|reaction score|likes|likes received|points|"
    r"trophy points|country|location|member since|registered|reputation|karma)\s*:?\s*$",
    re.I,
)


def forum_profile(text: str) -> list[Cut]:
    """A forum poster's profile block at the top (name, rank, Joined, Messages, …)."""
    ls = lines(text)[:30]
    last_label = -1
    labels = 0
    for i, line in enumerate(ls):
        if _PROFILE_LABELS.match(line.text):
            labels += 1
            last_label = i
        elif len(line.text.split()) > 6:
            break
    if labels < 2:
        return []
    end = last_label
    # The label's value, on the next line ("- 10,291").
    if (
        end + 1 < len(ls)
        and re.fullmatch(r"[-•*]\s*[\w ,.:/]{1,30}", ls[end + 1].text.strip())
        and not _PROFILE_LABELS.match(ls[end + 1].text)
    ):
        end += 1
    return [Cut(ls[0].start, ls[end].end, "forum profile block")]


_PROMO = re.compile(
    r"(?:Also on|Read more on|See also on)\s+[\w-]+(?:\.[\w-]+)+\s+"
    r"|(?:READ MORE|Read more|Related|See also)\s*:\s+"
)
_PROMO_WORDS = ("Also on", "Read more", "See also", "READ MORE", "Related")
# A promoted headline is glued to the real sentence behind it ("…near its bordersIn April, …"):
# it ends where a lower-case letter or closing mark meets an upper-case letter with no space.
_GLUE = re.compile(r"[a-z0-9’”'\")?!](?=[A-Z“‘\"])")


def promotions(text: str) -> list[Cut]:
    """Inline promotions of other stories ("Also on rt.com <headline>"), up to the glued sentence."""
    # Every promotion holds one of these words: looking for them in C first saves the
    # alternation's slow pass over most texts, which have none.
    if not any(w in text for w in _PROMO_WORDS) or not _PROMO.search(text):
        return []
    cuts = []
    for line in lines(text):
        line_end = line.start + len(line.text)
        promoted = list(_PROMO.finditer(text, line.start, line_end))
        if not promoted:
            continue
        # The glue points of the line, found once: searching on from each promotion read to
        # the line's end every time, quadratic in a long line of promotions with no glue.
        glue_ends = [g.end() for g in _GLUE.finditer(text, line.start, line_end)]
        for m in promoted:
            at = bisect_left(glue_ends, m.end() + 1)  # a glue point's match starts at m.end() or later
            if at < len(glue_ends):
                cuts.append(Cut(m.start(), glue_ends[at], "promotion of another story"))
            elif m.start() == line.start:
                cuts.append(_cut_line(line, "promotion of another story"))
    return cuts


_FOOTER = re.compile(
    r"^\s*(?:share (?:to|this|on|with)\b|.*\bshare this (?:story|article)|think your friends|"
    r"rate (?:the )?author|add a comment|leave a comment|\d+ comments?$|comments?$|"
    r"author\s*:|function\s*:|e-?mail\s*:|follow us\b|subscribe\b|tags?\s*:|related (?:posts|articles)|"
    r"copyright\b|©|all rights reserved)",
    re.I,
)
_FOOTER_WINDOW = 12  # a footer is among the last lines of a page
_FOOTER_LINE_WORDS = 25


def footer(text: str) -> list[Cut]:
    """Site furniture at the end: share prompts, author box, rating, comment links."""
    tail: list[Line] = []  # the last _FOOTER_WINDOW lines that hold more than white space
    for line in reversed(lines(text)):
        if line.text.strip():
            tail.append(line)
            if len(tail) == _FOOTER_WINDOW:
                break
    tail.reverse()
    # A footer holds no line of more than _FOOTER_LINE_WORDS words, so it starts after the
    # last such line: _FOOTER's ".*" reads each line it is tried on to the end, and trying
    # it on the long paragraphs before that took 0.4 s of 10,000 articles.
    long_lines = [i for i, line in enumerate(tail) if len(line.text.split()) > _FOOTER_LINE_WORDS]
    if long_lines:
        tail = tail[long_lines[-1] + 1 :]
    for i, line in enumerate(tail):
        if not _FOOTER.match(line.text):
            continue
        rest = tail[i:]
        if 2 * sum(1 for r in rest if _FOOTER.match(r.text)) >= len(rest):
            return [Cut(line.start, len(text), "site footer (share, author, comments)")]
    return []


_NEAR_DUPLICATE = 0.8
_SHINGLE = 5
_Shingle = tuple[str, ...]


def _shingles(words: list[str]) -> set[_Shingle]:
    """Word 5-grams; a paragraph shorter than five words is one shingle."""
    if len(words) < _SHINGLE:
        return {tuple(words)}
    return set(zip(*(words[k:] for k in range(_SHINGLE)), strict=False))


def repeated_paragraphs(text: str) -> list[Cut]:
    """A paragraph printed twice (a doubled headline, a second copy of a wire text), or a
    one-sentence line that is also a sentence of a longer paragraph (a headline repeated as
    the lede). The first full copy is kept."""
    paras, alike = _paragraphs(text)
    ledes = _sentences_of_others(text, paras) if _may_hold_ledes(paras) else set()
    if not alike:
        # No two keys are equal and no two paragraphs near-duplicates, so nothing is cut
        # for being a copy, and the one test left does not depend on what was kept.
        return [
            _cut_line(paras[i][0], "line repeated as a sentence of another paragraph") for i in sorted(ledes)
        ]
    cuts: list[Cut] = []
    kept_keys: set[str] = set()
    kept_shingles: list[set[_Shingle]] = []
    index: dict[_Shingle, list[int]] = {}  # shingle -> kept paragraphs indexed under it
    all_shingles = [_shingles(key.split()) for _, key in paras]
    frequency = Counter(chain.from_iterable(all_shingles))  # paragraphs that hold each
    for i, ((p, key), shingles) in enumerate(zip(paras, all_shingles, strict=True)):
        if key in kept_keys:
            cuts.append(_cut_line(p, "repeated paragraph"))
        elif key.count(" ") >= 7 and _near_duplicate(shingles, kept_shingles, index):  # 8 words
            cuts.append(_cut_line(p, "near-duplicate paragraph"))
        elif i in ledes:
            cuts.append(_cut_line(p, "line repeated as a sentence of another paragraph"))
        else:
            kept_keys.add(key)
            # Prefix filter: if J(A, B) >= 0.8, more than 80% of B's shingles are also A's,
            # so any len(B) // 5 + 1 of them include one of A's. Indexing only those finds
            # every near-duplicate, for a fifth of the work. The rarest ones: a phrase that
            # thousands of paragraphs hold, indexed, made each one a candidate for the rest.
            for sh in sorted(shingles, key=frequency.__getitem__)[: len(shingles) // 5 + 1]:
                index.setdefault(sh, []).append(len(kept_shingles))
            kept_shingles.append(shingles)
    return cuts


# Above this many characters searched (the joined keys, once per paragraph), the screen
# below costs more than the sentence split it spares: about 1 ms in C.
_SCREEN_WORK = 1_000_000


def _may_hold_ledes(paras: list[tuple[Line, str]]) -> bool:
    """False when no paragraph's key is found in a paragraph with another key, so no
    paragraph is a sentence of another: most texts, spared the sentence split (a second
    one when cleaning cuts something). A text of thousands of lines is not screened: one
    search per paragraph grows with the square of its length."""
    padded = [f" {key} " for _, key in paras]  # keys between spaces: a run of whole tokens
    everything = "\n".join(padded)
    if len(padded) * len(everything) > _SCREEN_WORK:
        return True
    return any(everything.count(key) > padded.count(key) for key in padded)


def _sentences_of_others(text: str, paras: list[tuple[Line, str]]) -> set[int]:
    """The paragraphs (indices into `paras`) that are one sentence, that sentence being a
    sentence of a paragraph of two or more sentences with another key: a headline repeated
    as the lede. (A paragraph with the same key is a copy, which the caller finds as such.)

    From one sentence split of the whole text, which the document reuses when cleaning cuts
    nothing, in a few array operations; only sentences as long in tokens as a one-sentence
    paragraph get a key. Searching every other paragraph for each candidate's key took time
    that grew with the square of the text: 9 s for a 750 KB text of 16,000 lines."""
    spans = sentences(text)
    if len(paras) < 2 or len(spans) < 3:  # a lone sentence, and two more in another paragraph
        return set()
    line_starts = _line_starts(text)
    bounds = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans)).reshape(-1, 2)
    # A sentence never crosses a line break.
    span_line = np.searchsorted(line_starts, bounds[:, 0], side="right") - 1
    per_line = np.bincount(span_line, minlength=len(line_starts))  # sentences on each line
    para_line = np.searchsorted(line_starts, [line.start for line, _ in paras]).tolist()
    alone = {key.count(" ") + 1 for (_, key), at in zip(paras, para_line, strict=True) if per_line[at] == 1}
    if not alone:
        return set()
    # Nor does it cut a token: its tokens are those that start inside it.
    toks, _ = tokens_and_words(text)
    first, end = np.searchsorted(toks.start_array, bounds.T)
    wanted = (per_line[span_line] > 1) & np.isin(end - first, list(alone))
    key_of_line = {at: key for (_, key), at in zip(paras, para_line, strict=True)}
    norms = toks.norms
    holders: dict[str, set[str]] = {}  # sentence key -> keys of the longer paragraphs holding it
    for at, a, b in zip(
        span_line[wanted].tolist(), first[wanted].tolist(), end[wanted].tolist(), strict=True
    ):
        holders.setdefault(" ".join(norms[a:b]), set()).add(key_of_line[at])
    return {
        i
        for i, ((_, key), at) in enumerate(zip(paras, para_line, strict=True))
        if per_line[at] == 1 and holders.get(key, set()) - {key}
    }


_HASH_FACTOR = np.uint64(0x9E3779B97F4A7C15)  # odd, so each step of the hash is one-to-one


def _paragraphs(text: str) -> tuple[list[tuple[Line, str]], bool]:
    """The lines that hold a token, each with its key (norm_key of the line), and whether
    two of them might be copies: equal keys, or word 5-gram sets similar enough to be
    near-duplicates.

    The keys come from one tokenisation of the whole text (which the document reuses when
    cleaning cuts nothing) and the 5-grams are compared as 64-bit hashes in a few array
    operations, instead of a Python set of 5-gram tuples per paragraph. Equal 5-grams have
    equal hashes, so similar paragraphs are never missed; a rare equal hash of different
    5-grams only sends the text down the exact paragraph-by-paragraph path."""
    toks, _ = tokens_and_words(text)
    if not len(toks):
        return [], False
    all_lines = lines(text)
    line_of = np.searchsorted(_line_starts(text), toks.start_array, side="right") - 1
    bounds = [0, *(np.flatnonzero(line_of[1:] != line_of[:-1]) + 1).tolist(), len(toks)]
    norms = toks.norms
    paras = [(all_lines[int(line_of[a])], " ".join(norms[a:b])) for a, b in pairwise(bounds)]
    if len({key for _, key in paras}) < len(paras):
        return paras, True
    return paras, len(toks) >= _SHINGLE and _similar_lines(toks.ids.ids, line_of)


def _line_hashes(ids: np.ndarray, line_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each line's set of word 5-gram hashes, as parallel arrays of hash and line, sorted
    by hash, then line."""
    ids = ids.astype(np.uint64)
    n = len(ids) - _SHINGLE + 1
    h = ids[:n].copy()
    for k in range(1, _SHINGLE):
        h = h * _HASH_FACTOR + ids[k : k + n]
    within = line_of[:n] == line_of[_SHINGLE - 1 :]  # the 5-gram lies on one line
    h, owner = h[within], line_of[:n][within]
    order = np.lexsort((owner, h))
    h, owner = h[order], owner[order]
    distinct = np.ones(len(h), dtype=bool)
    distinct[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
    return h[distinct], owner[distinct]


def _similar_lines(ids: np.ndarray, line_of: np.ndarray) -> bool:
    """Whether two lines' sets of word 5-gram hashes have a Jaccard similarity of at least
    _NEAR_DUPLICATE (never less than their 5-grams' own)."""
    h, owner = _line_hashes(ids, line_of)
    run_starts, run_ends = _equal_runs(h)
    if len(run_starts) == len(h):  # no hash held by two lines
        return False
    # Prefix filter: J(A, B) >= 0.8 needs |A & B| >= ceil(0.8 |A|), so any
    # |A| - ceil(0.8 |A|) + 1 of A's hashes include one of B's. With every line's hashes
    # taken in one order, two similar lines' prefixes share a hash. Rarest first keeps a
    # phrase that thousands of lines hold out of their prefixes: pairing every two lines
    # that share any hash took 51 s on 8,000 lines holding one phrase.
    run_sizes = run_ends - run_starts
    frequency = np.repeat(run_sizes, run_sizes)  # lines that hold each entry's hash
    order = np.lexsort((h, frequency, owner))
    h, owner = h[order], owner[order]
    sizes = np.bincount(owner)
    line_first = np.cumsum(sizes) - sizes  # each line's first entry, now that they run by line
    rank = np.arange(len(h)) - line_first[owner]
    prefix = sizes - np.ceil(_NEAR_DUPLICATE * sizes).astype(np.int64) + 1
    in_prefix = rank < prefix[owner]
    ph, po = h[in_prefix], owner[in_prefix]
    order = np.lexsort((po, ph))
    ph, po = ph[order], po[order]
    starts, ends = _equal_runs(ph)
    shared = ends - starts > 1  # a hash in the prefixes of two lines or more
    if not shared.any():
        return False
    starts, ends = starts[shared], ends[shared]
    sets: dict[int, set[int]] = {}

    def hashes(line: int) -> set[int]:
        if line not in sets:
            sets[line] = set(h[line_first[line] : line_first[line] + sizes[line]].tolist())
        return sets[line]

    compared: set[tuple[int, int]] = set()
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        holders = po[start:end].tolist()
        for x, a in enumerate(holders):
            for b in holders[x + 1 :]:
                if (a, b) not in compared:
                    compared.add((a, b))
                    if _similar(hashes(a), hashes(b)):
                        return True
    return False


def _equal_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values of a sorted array starts, and where it ends."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return starts, np.r_[starts[1:], len(values)]


def _near_duplicate(
    shingles: set[_Shingle], kept: list[set[_Shingle]], index: dict[_Shingle, list[int]]
) -> bool:
    """Jaccard similarity of word 5-grams at least _NEAR_DUPLICATE with a kept paragraph;
    only the kept paragraphs the index finds through one of these shingles are compared."""
    candidates: set[int] = set()
    # Most paragraphs share no shingle with a kept one; the intersection finds that in C.
    for sh in index.keys() & shingles:
        candidates.update(index[sh])
    return any(_similar(shingles, kept[k]) for k in candidates)


def _similar(a: set[_Shingle] | set[int], b: set[_Shingle] | set[int]) -> bool:
    n = len(a & b)
    return n >= _NEAR_DUPLICATE * (len(a) + len(b) - n)


Step = Callable[[str], list[Cut]]

# The order matters: furniture first, so that repeated furniture is not mistaken for copy.
STEPS: tuple[Step, ...] = (
    html_tags,
    icon_strip,
    timestamp_lines,
    forum_profile,
    promotions,
    footer,
    repeated_paragraphs,
)


def clean(original: str, steps: tuple[Step, ...] = STEPS) -> CleanText:
    result = CleanText(original, original, [(0, len(original))] if original else [])
    for step in steps:
        result.apply(step(result.text))
    # The lines of this text and of what the steps cut it to serve no other text; held
    # until the next one, they were a tenth of the peak of comparing one 20 MB text.
    lines.cache_clear()
    _line_starts.cache_clear()
    return result
