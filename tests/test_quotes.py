from framing.document import prepare
from framing.quotes import quotations, quoted_word_share
from framing.score.lexicon import voice


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


def test_quoted_word_share():
    text = "He said “one two three” four."
    doc = prepare(text)  # words: He said one two three four -> 3 of 6 inside
    assert quoted_word_share(text, doc.words, doc.quotes) == 0.5
