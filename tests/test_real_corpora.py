"""framing on real data: the BASIL corpus (300 articles by Fox News, The New York Times and
HuffPost). Read from ../shared/corpora, never copied into the project."""

import re
from pathlib import Path

import pytest

from framing.config import CompareConfig

from helpers import LEXICONS, SHARED, Rendered, render

BASIL = SHARED / "corpora" / "basil.jsonl"

pytestmark = pytest.mark.skipif(
    not BASIL.exists(), reason=f"{BASIL} is not here (shared/ is not beside the checkout)"
)


@pytest.fixture(scope="module")
def basil() -> Rendered:
    return render(CompareConfig((BASIL,), LEXICONS, Path("unused"), "basil", "outlet"))


def test_all_300_articles_are_read_and_tagged(basil):
    assert len(basil.articles) == 300
    assert {g.name: g.n for g in basil.groups} == {
        "Fox News": 100,
        "HuffPost": 100,
        "The New York Times": 100,
    }
    assert {a.tag.type for a in basil.articles} == {"national_media"}
    # BASIL repeats the id "empty" four times: three are kept under ids naming their line.
    assert sum("duplicate article id 'empty'" in w for w in basil.warnings) == 3


@pytest.mark.parametrize("verb", ["said", "claimed", "told", "insisted"])
def test_attribution_counts_equal_a_plain_word_count(basil, verb):
    for a in basil.articles:
        found = sum(1 for h in a.hits if h.entry.term == verb)
        assert found == len(re.findall(rf"\b{verb}\b", a.clean.text, re.IGNORECASE)), a.article.id


def test_every_hit_leads_back_to_the_published_text(basil):
    for a in basil.articles:
        for h in a.hits:
            start, end = a.clean.span_to_original(h.start, h.end)
            assert a.article.text[start:end] == a.clean.text[h.start : h.end]
