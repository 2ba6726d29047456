import gzip
import json
import random
import re

import numpy as np
import pytest

from framing.clean import clean
from framing.text import (
    joinable,
    joinable_gaps,
    norm_key,
    sentences,
    term_tokens,
    tokens,
    tokens_and_words,
    word_count,
)

from helpers import SEEDS, SHARED, astral_texts, seed_and_basil_texts


def test_tokens_split_on_apostrophes_and_hyphens_and_casefold():
    assert tokens("Crimea’s so-called “Annexation”").norms == [
        "crimea",
        "s",
        "so",
        "called",
        "annexation",
    ]


def test_token_offsets_point_into_the_text():
    text = "NATO’s bloc"
    toks = tokens(text)
    assert list(zip(toks.starts, toks.ends, strict=True)) == [(0, 4), (5, 6), (7, 11)]


def test_casefolding_is_per_token_even_where_it_changes_length():
    # "ß" folds to "ss" and "İ" to "i" + a combining dot: folding the joined tokens at once
    # must give what folding each token gives.
    text = "Straße İstanbul ΣΊΣΥΦΟΣ"
    toks = tokens(text)
    assert toks.norms == [text[s:e].casefold() for s, e in zip(toks.starts, toks.ends, strict=True)]
    assert toks.norms[0] == "strasse"


def test_term_tokens_keep_the_glob_on_its_word():
    assert term_tokens("Security safeguard*") == ["security", "safeguard*"]


def test_word_count_counts_compounds_and_contractions_once():
    # by hand: The | NATO-Russia | Council | hasn’t | met | in | 19 | months -> 8
    assert word_count("The NATO-Russia Council hasn’t met in 19 months.") == 8


def test_sentences_split_at_full_stops_but_not_after_abbreviations_or_initials():
    text = "Gen. Tod D. Wolters spoke. The U.S. envoy said no! “Really?” he asked.\nA new line"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "Gen. Tod D. Wolters spoke.",
        "The U.S. envoy said no!",
        "“Really?” he asked.",
        "A new line",
    ]


def test_sentences_include_closing_quotes():
    text = "“The ball is now on Russia’s side.” He left."
    assert [text[s:e] for s, e in sentences(text)] == ["“The ball is now on Russia’s side.”", "He left."]


def test_empty_text_has_no_sentences():
    assert sentences("") == [] and sentences("  \n \n") == []


@pytest.mark.parametrize(
    "text", ["Crimea’s so-called ANNEXATION", "Straße İstanbul ǅemal", "", "— … !", "A_b c1 ΣΑΣ"]
)
def test_norm_key_is_the_tokens_casefolded_and_joined(text):
    assert norm_key(text) == " ".join(tokens(text).norms)


# The vectorised tokeniser must find exactly what the two regexes find. Edge cases: empty,
# only separators, underscores (a word character that is not a token character), one and two
# joiners in a row, every joiner, case folding that changes length, a NUL (the separator the
# vectorised path joins tokens with), a lone surrogate, and characters beyond the Basic
# Multilingual Plane (the regex path).
TOKENISER_EDGES = [
    "",
    " \n\t ",
    "a",
    "_",
    "a_b __x__",
    "x-y x--y x- -y",
    "don't rock ’n’ roll ‐x‑y‐ NATO-Russia",
    "Straße İstanbul ﬁne ǅemal ΣΊΣΥΦΟΣ",
    "a\0b",
    "a\ud800b",
    "😀 ok 𝐁old",
    "12,000 U.S. troops; 3.5%",
]


@pytest.mark.parametrize("text", TOKENISER_EDGES)
def test_vectorised_tokens_and_words_equal_the_regexes(text):
    assert tokens_and_words(text) == (tokens(text), word_count(text))


def test_vectorised_tokens_and_words_equal_the_regexes_on_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for t in (text, clean(text).text):
            assert tokens_and_words(t) == (tokens(t), word_count(t)), path.name


def test_character_classes_beyond_the_table_are_the_regexes():
    from framing.text import char_class, code_points

    beyond = "".join(map(chr, [*range(0x10000, 0x10400), *range(0x1D400, 0x1D800), *range(0x1F300, 0x1F700)]))
    text = beyond + "aБ7 _-'\ud800"  # and some of the table, in one array
    for pattern in (r"[^\W_]", r"\w", r"[\w\s]", r"[-‐‑'’]"):
        expected = [re.fullmatch(pattern, c) is not None for c in text]
        assert char_class(pattern, code_points(text)).tolist() == expected, pattern
    assert any(re.fullmatch(r"[^\W_]", c) for c in beyond)  # the sample holds letters and not


def test_vectorised_tokens_words_and_gaps_equal_the_regexes_beyond_the_table():
    for t in astral_texts():
        tokens_and_words.cache_clear()
        toks, words = tokens_and_words(t)
        assert (toks, words) == (tokens(t), word_count(t)), t
        gaps = joinable_gaps(t, np.array(toks.starts, dtype=np.int64), np.array(toks.ends, dtype=np.int64))
        assert gaps.tolist() == [
            joinable(t, toks.ends[i], toks.starts[i + 1]) for i in range(len(toks) - 1)
        ], t


@pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="shared corpora not found beside the project")
def test_vectorised_tokens_and_words_equal_the_regexes_on_real_articles():
    texts = [json.loads(line)["text"] for line in (SHARED / "corpora" / "basil.jsonl").open(encoding="utf-8")]
    with gzip.open(SHARED / "corpora" / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line, _ in zip(f, range(1000), strict=False)]
    differ = [i for i, t in enumerate(texts) if tokens_and_words(t) != (tokens(t), word_count(t))]
    assert differ == []


ABBREVIATION_EDGES = [
    "Visit www.example.com. Then leave.",
    "ABCDEFGHIJU.S. Then more. And Mr. Smith. Then x.y.z.a.b.c.d.e.f.g. Next one.",
    "He met Gen. Tod D. Wolters. Then a.m. Now.",
    "Prices rose 3.5. Then 12345678901. Next. Supercalifragilistic. Yes.",
    "A. B. C. D. Done.",
    "It rose approx. 5 units in Sept. Last year it fell.",
]


def test_abbreviations_looked_for_in_a_window_split_as_a_search_from_the_sentence_start(monkeypatch):
    import framing.text

    corpus_texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    windowed = [sentences(t) for t in ABBREVIATION_EDGES + corpus_texts]
    monkeypatch.setattr(framing.text, "_ABBREVIATION_WINDOW", 10**9)  # the search from the start
    sentences.cache_clear()  # the last texts' spans are memoised
    assert windowed == [sentences(t) for t in ABBREVIATION_EDGES + corpus_texts]
    # by hand: "Gen.", "D.", "a.m.", "approx." and "Sept." do not end a sentence
    text = ABBREVIATION_EDGES[2]
    assert [text[s:e] for s, e in sentences(text)] == ["He met Gen. Tod D. Wolters.", "Then a.m. Now."]
    text = ABBREVIATION_EDGES[-1]
    assert [text[s:e] for s, e in sentences(text)] == [text]


# The sentence-end regex as first written: a look back for a mark, then a run of marks.
_SENTENCE_END_AS_WRITTEN = r"(?<![.!?…])[.!?…]+[\"”’»)\]]*(?=\s+[\"“‘«(\[–—-]?\s?[A-Z0-9А-ЯЁ])"
# ... and tried at every mark, with no look back: the plainest reading of the rule.
_SENTENCE_END_AT_EVERY_MARK = _SENTENCE_END_AS_WRITTEN.removeprefix("(?<![.!?…])")


def test_sentence_ends_tried_at_runs_of_marks_only_split_as_before(monkeypatch):
    """The sentence-end regex (tried only where a run of marks begins, its first mark
    before the look back) gives the spans that the regex as first written gives, and that
    trying it at every mark gives, on the seeds, BASIL and made-up runs of marks, quotes,
    spaces and capitals."""
    import framing.text

    rng = random.Random(4)
    pieces = [
        ".",
        "..",
        "!",
        "?",
        "…",
        "”",
        "’",
        "»",
        ")",
        "]",
        " ",
        "  ",
        "\n",
        "A",
        "b",
        "7",
        "Я",
        "“",
        "(",
        "– ",
        "Dr",
    ]
    texts = ["".join(rng.choices(pieces, k=rng.randint(1, 80))) for _ in range(5000)]
    texts += seed_and_basil_texts()
    at_runs = [sentences(t) for t in texts]
    assert sum(len(s) > 1 for s in at_runs) > 2000
    assert framing.text._SENTENCE_END.pattern not in (_SENTENCE_END_AS_WRITTEN, _SENTENCE_END_AT_EVERY_MARK)
    for reference in (_SENTENCE_END_AS_WRITTEN, _SENTENCE_END_AT_EVERY_MARK):
        monkeypatch.setattr(framing.text, "_SENTENCE_END", re.compile(reference))
        sentences.cache_clear()
        assert at_runs == [sentences(t) for t in texts]


GAP_EDGES = [
    "a b",
    "a  b   c    d",
    "a\tb\u00a0c - d -- e ' f ’ g ‐ h ‑ i",
    "a, b. c\nd — e – f",
    "x 😀 y 😀z",
    "end -",
    "a \u2009b \u3000c",
    "",
    "one",
]


@pytest.mark.parametrize(
    "text", GAP_EDGES + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
)
def test_joinable_gaps_at_once_are_joinable_one_by_one(text):
    import numpy as np

    from framing.text import joinable, joinable_gaps

    toks = tokens(text)
    starts, ends = np.array(toks.starts, dtype=np.int64), np.array(toks.ends, dtype=np.int64)
    expected = [joinable(text, toks.ends[i], toks.starts[i + 1]) for i in range(len(toks) - 1)]
    assert joinable_gaps(text, starts, ends).tolist() == expected
