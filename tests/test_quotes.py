import random
from collections import Counter

import framing.quotes as quotes_module
from framing.document import prepare
from framing.quotes import Quote, quotations, quoted_word_share
from framing.score.lexicon import voice

from helpers import seed_and_basil_texts


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in quotations(text)]


def test_curly_double_quotes():
    assert quoted("He said “we will talk” today.") == ["we will talk"]


def test_straight_double_quotes():
    assert quoted('He said "we will talk" and "soon".') == ["we will talk", "soon"]


def test_guillemets_and_low_high_quotes():
    assert quoted("Er sagte „wir reden“ und «bald».") == ["wir reden", "bald"]


def test_single_quotes_are_told_apart_from_apostrophes():
    text = "Russia’s army is ‘existential threat’ to the US’ allies, it’s said."
    assert quoted(text) == ["existential threat"]


def test_quote_spanning_sentences():
    text = "“The ball is now on Russia’s side. I would like to invite Russia,” he said."
    assert quoted(text) == ["The ball is now on Russia’s side. I would like to invite Russia,"]


def test_unclosed_quote_runs_to_the_paragraph_end_only():
    text = "He said: “First paragraph goes on\nNarration again."
    assert quoted(text) == ["First paragraph goes on"]


def test_dash_led_quotes_of_russian_style_texts():
    # From seed 000: the ministry's words follow a dash, with no quotation marks.
    text = "“No agreement was reached,” the Foreign Ministry said. – We were once again proposed to discuss Ukraine."
    assert quoted(text) == ["No agreement was reached,", "We were once again proposed to discuss Ukraine."]


def test_a_dash_inside_a_sentence_is_not_a_quote():
    text = "Crimea’s accession to Russia – or, as they say, its “annexation” – mattered."
    assert quoted(text) == ["annexation"]


def test_voice_own_quoted_and_scare():
    text = "Its accession, or its “annexation”, he said: “after the annexation of Crimea”."
    doc = prepare(text)
    own = text.index("accession")
    scare = text.index("annexation")
    inside = text.index("annexation", scare + 1)
    assert voice(doc, own, own + 9) == "own"
    assert voice(doc, scare, scare + 10) == "scare"
    assert voice(doc, inside, inside + 10) == "quoted"


def _voice_by_definition(doc, start: int, end: int) -> str:
    """Every quotation that holds the span looked at; a scare quote holds the term alone,
    give or take spaces and punctuation."""
    around = [q for q in doc.quotes if q.start <= start and end <= q.end]
    if not around:
        return "own"
    term = doc.text[start:end].casefold()
    if all(doc.text[q.start : q.end].strip(" \t,.;:!?").casefold() == term for q in around):
        return "scare"
    return "quoted"


def _made_up_quoting(n: int) -> list[str]:
    """Words, quotation marks of every kind, dashes, padding and line breaks at random:
    nested, open, scare and dash-led quotations, and marks that close nothing."""
    rng = random.Random(17)
    pieces = [
        "Crimea",
        "annexation",
        "the",
        "bloc",
        "said",
        "ß",
        "İstanbul",
        *"“”‘’\"'«»„–—",
        " ",
        " ",
        ", ",
        ". ",
        "! ",
    ]
    pieces += ["\n", " “annexation” ", " “ annexation, ” ", " ‘“annexation”’ ", ". – We ", ", – said "]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 120))) for _ in range(n)]


def test_voice_equals_its_definition_for_every_token_and_pair():
    texts = seed_and_basil_texts() + _made_up_quoting(2000)
    seen = Counter()
    for text in texts:
        doc = prepare(text)
        starts, ends = doc.tokens.starts, doc.tokens.ends
        # Every token, and every two tokens in a row (a two-word term's span).
        for first in range(len(starts)):
            for last in range(first, min(first + 2, len(starts))):
                start, end = starts[first], ends[last]
                expected = _voice_by_definition(doc, start, end)
                assert voice(doc, start, end) == expected, (text, start, end)
                seen[expected] += 1
    assert min(seen.values()) > 1000, seen  # each voice, often


def test_dash_quotes_equal_their_definition(monkeypatch):
    """A dash opens no quotation inside a marked one: each dash against every marked
    quotation of its paragraph, on the seeds, BASIL and made-up texts."""
    texts = seed_and_basil_texts() + _made_up_quoting(3000)
    found = [quotations(t) for t in texts]
    skipped = []

    def by_definition(text, start, end, marked):
        out = []
        for m in quotes_module._DASH_OPENER.finditer(text, start, end):
            inner = m.end()
            if any(q.start <= inner < q.end for q in marked):
                skipped.append(inner)
                continue
            close = quotes_module._DASH_CLOSER.search(text, inner, end)
            if text[inner] not in quotes_module._PAIRS:
                out.append(Quote(inner, close.start() if close else end))
        return out

    monkeypatch.setattr(quotes_module, "_dash_quotes", by_definition)
    assert found == [quotations(t) for t in texts]
    assert len(skipped) > 100  # dashes inside marked quotations, often


def test_quoted_word_share():
    text = "He said “one two three” four."
    doc = prepare(text)  # words: He said one two three four -> 3 of 6 inside
    assert quoted_word_share(text, doc.words, doc.quotes) == 0.5
