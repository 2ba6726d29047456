from pathlib import Path

from framing.document import prepare
from framing.lexicon.load import read_lexicon
from framing.lexicon.match import Matcher
from framing.score.lexicon import LexiconScorer


def lexicon(tmp_path: Path, body: str, header: str = "concept,frame,term,context,note"):
    path = tmp_path / "test.csv"
    path.write_text(header + "\n" + body, encoding="utf-8")
    lex, problems = read_lexicon(path)
    assert not problems, problems
    return lex


def found(lex, text: str) -> list[tuple[str, str]]:
    doc = prepare(text)
    return [
        (text[h.start : h.end], h.entry.frame or h.entry.category) for h in LexiconScorer([lex]).hits(doc)
    ]


def test_case_insensitive_whole_words(tmp_path):
    lex = lexicon(tmp_path, "n,bloc,bloc,,\n")
    assert found(lex, "The Bloc, a bloc; blocs and ablock.") == [("Bloc", "bloc"), ("bloc", "bloc")]


def test_glob_covers_endings(tmp_path):
    lex = lexicon(tmp_path, "c,annex,annex*,,\n")
    assert [t for t, _ in found(lex, "annexed, annexation and annex but not an.")] == [
        "annexed",
        "annexation",
        "annex",
    ]


def test_longest_match_wins_and_nothing_is_counted_twice(tmp_path):
    lex = lexicon(tmp_path, "n,bloc,bloc,,\nn,bloc,military bloc,,\nn,bloc,Western military bloc,,\n")
    assert found(lex, "the Western military bloc and a military bloc") == [
        ("Western military bloc", "bloc"),
        ("military bloc", "bloc"),
    ]


def test_multi_word_terms_match_across_hyphens_and_spaces_not_sentences(tmp_path):
    lex = lexicon(tmp_path, "h,so-called,so-called,,\nn,bloc,military bloc,,\n")
    text = "a so-called deal, a so called deal, military. Bloc"
    assert [t for t, _ in found(lex, text)] == ["so-called", "so called"]


def test_exact_term_beats_glob_of_same_length(tmp_path):
    lex = lexicon(tmp_path, "c,annexation,annexation,,\nc,annexation,annex*,,\n")
    (hit,) = LexiconScorer([lex]).hits(prepare("the annexation"))
    assert hit.entry.term == "annexation"


def test_context_must_hold_in_the_same_sentence(tmp_path):
    lex = lexicon(tmp_path, "crimea,accession,accession,crimea*;sevastopol,\n")
    text = "Crimea’s accession to Russia. The accession of new members. Accession of the Crimean peninsula."
    assert [t for t, _ in found(lex, text)] == ["accession", "Accession"]


def test_context_is_looked_for_once_per_sentence_and_pattern(tmp_path, monkeypatch):
    lex = lexicon(tmp_path, "c,accession,accession,crimea*;sevastopol,\n")
    scorer = LexiconScorer([lex])
    looks = []
    for pattern, matcher in scorer._context.items():
        real = matcher.find
        monkeypatch.setattr(
            matcher, "find", lambda *a, _p=pattern, _f=real, **k: looks.append(_p) or _f(*a, **k)
        )
    # One sentence with 300 hits and no context: each pattern read once, not once a hit.
    text = " ".join(["the accession talks"] * 300) + ". Crimea joined. Accession of Crimea."
    hits = scorer.hits(prepare(text))
    assert [text[h.start : h.end] for h in hits] == ["Accession"]
    # The first sentence: both patterns, once; the last: "crimea*" holds, so once.
    assert looks == [("crimea*",), ("sevastopol",), ("crimea*",)]


def test_category_lexicon(tmp_path):
    lex = lexicon(tmp_path, "distancing,claimed,,\nneutral,said,,\n", header="category,term,context,note")
    assert found(lex, "He said so, she claimed.") == [("said", "neutral"), ("claimed", "distancing")]


def test_matcher_finds_every_occurrence_in_one_pass(tmp_path):
    lex = lexicon(tmp_path, "n,alliance,alliance,,\n")
    doc = prepare("alliance " * 1000)
    assert len(Matcher(lex.entries).find(doc.text, doc.tokens)) == 1000


def test_matching_with_token_ids_finds_what_walking_the_tokens_finds():
    # The token ids pick the positions where a term can start with NumPy; without them the
    # matcher walks every token. Both must give the same matches, globs and multi-word
    # terms included, on every seed with every bundled lexicon.
    from framing.clean import clean
    from framing.lexicon.load import load_lexicons

    from helpers import LEXICONS, SEEDS

    matchers = [Matcher(lex.entries) for lex in load_lexicons(LEXICONS)]
    texts = [clean(p.read_text(encoding="utf-8")).text for p in sorted(SEEDS.glob("*.txt"))]
    texts.append("so-called annexation; Kyiv's so called “referendum”, annex* annexing NATO-expansion")
    texts.append("The purportedly independent poll, purported to show it, PURPORTEDLY did.")  # a glob starts
    matched = globbed = 0
    for text in texts:
        doc = prepare(text)
        for m in matchers:
            walked = m.find(doc.text, doc.tokens)
            assert m.find(doc.text, doc.tokens, ids=doc.token_ids) == walked
            matched += len(walked)
            globbed += sum(1 for x in walked if x.entry.tokens[0].endswith("*"))
    assert matched > 50 and globbed >= 3


def test_a_first_word_that_only_leads_on_matches_only_before_what_follows_it(tmp_path):
    # "the" ends no entry here; it starts only "the Ukraine". The matcher skips its places
    # in a text without "ukraine", and must still find the term where it is.
    lex = lexicon(tmp_path, "u,article,the Ukraine,,\n")
    assert found(lex, "The war in the Ukraine, the west.") == [("the Ukraine", "article")]
    assert found(lex, "The war, the west.") == []
    assert found(lex, "Ukraine: the war.") == []  # both words, never in that order


def test_a_first_word_skipped_for_its_longer_term_still_matches_a_glob(tmp_path):
    # "warming" starts "warming trend" and is also matched by "warm*": without "trend" in
    # the text, the longer term cannot match, but the glob still does.
    lex = lexicon(tmp_path, "w,warm,warm*,,\nw,trend,warming trend,,\n")
    assert found(lex, "The warming of ties.") == [("warming", "warm")]
    assert found(lex, "A warming trend, warm words.") == [("warming trend", "trend"), ("warm", "warm")]


def test_a_context_of_two_words_is_looked_for_in_its_sentence_only(tmp_path):
    lex = lexicon(tmp_path, "c,annexation,annexation,in Crimea,\n")
    text = "The annexation in Crimea. The annexation in March. Crimea voted. In annexation, Crimea."
    assert [t for t, _ in found(lex, text)] == ["annexation"]
    (hit,) = LexiconScorer([lex]).hits(prepare(text))
    assert hit.start == text.index("annexation")
