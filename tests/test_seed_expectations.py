"""What the seeds say, counted by hand from their texts (see the comments), against the pipeline."""

from collections import Counter


def hits(article, lexicon: str) -> Counter:
    return Counter(
        ((h.entry.frame or h.entry.category), article.clean.text[h.start : h.end].casefold(), h.voice)
        for h in article.hits
        if h.entry.lexicon == lexicon
    )


def test_001_one_annexation_in_its_own_voice(seed_articles):
    # "…extremely tense since the annexation of the Crimean peninsula in 2014." (narration)
    got = hits(seed_articles["001"], "contrasts.csv")
    assert {k: n for k, n in got.items() if k[0] in ("annexation", "accession", "reunification")} == {
        ("annexation", "annexation", "own"): 1
    }


def test_002_accession_own_annexation_scare_quoted_and_inside_stoltenbergs_quote(seed_articles):
    # "Crimea’s accession to Russia – or, as the Western governments keep insisting, its “annexation”"
    # "“… Actually we had two meetings in the council after the annexation of Crimea. …,” Stoltenberg claimed."
    got = hits(seed_articles["002"], "contrasts.csv")
    crimea = {k: n for k, n in got.items() if k[0] in ("annexation", "accession", "reunification")}
    assert crimea == {
        ("accession", "accession", "own"): 1,
        ("annexation", "annexation", "scare"): 1,
        ("annexation", "annexation", "quoted"): 1,
    }


def test_002_claimed_once_and_insisting_once(seed_articles):
    got = hits(seed_articles["002"], "attribution_verbs.csv")
    assert got[("distancing", "claimed", "own")] == 1
    assert got[("distancing", "insisting", "own")] == 1
    assert sum(n for (cat, _, _), n in got.items() if cat == "distancing") == 2


def test_002_loaded_labels(seed_articles):
    # “Russian threat” rhetoric (scare-quoted); the recent anti-Russian rhetoric (own);
    # “further strengthen its hegemony …” (Grushko's words, quoted)
    got = hits(seed_articles["002"], "labels.csv")
    assert got[("loaded_label", "russian threat", "scare")] == 1
    assert got[("loaded_label", "anti-russian rhetoric", "own")] == 1
    assert got[("loaded_label", "hegemony", "quoted")] == 1


def test_002_bloc_and_alliance(seed_articles):
    # own voice: "the bloc’s top challenge", "the Western military bloc"; alliance ×7 in narration
    got = hits(seed_articles["002"], "contrasts.csv")
    assert got[("bloc", "bloc", "own")] == 1
    assert got[("bloc", "western military bloc", "own")] == 1
    assert got[("alliance", "alliance", "own")] == 7


def test_003_distancing_and_combative_verbs(seed_articles):
    # "Instead, he insisted that …"; "the foreign minister blasted"; "Wolters, claimed that …"
    got = hits(seed_articles["003"], "attribution_verbs.csv")
    assert got[("distancing", "insisted", "own")] == 1
    assert got[("combative", "blasted", "own")] == 1
    assert got[("distancing", "claimed", "own")] == 1
    # the promotion "… insists bloc’s supreme commander" was cut, so it is not counted
    assert ("distancing", "insists", "own") not in got


def test_003_bloc_four_times_in_its_own_voice(seed_articles):
    # "increase in activity from the bloc", "between the bloc and the Kremlin",
    # "the bloc went through the single largest expansion", "the bloc’s supreme allied commander"
    got = hits(seed_articles["003"], "contrasts.csv")
    assert got[("bloc", "bloc", "own")] == 4


def test_004_counts_the_tass_text_once(seed_articles):
    a = seed_articles["004"]
    got = hits(a, "contrasts.csv")
    # "eastward advancement" and "legally-binding security guarantees" appear once per TASS copy
    assert got[("expansion", "eastward advancement", "own")] == 1
    assert got[("security guarantees", "legally-binding security guarantees", "own")] == 1
    # one copy of the wire text: from "TASS, December 26." to "review Moscow’s proposals."
    original = a.article.text
    first = original.index("TASS, December 26.")
    second = original.index("TASS, December 26.", first + 1)
    one_copy = original[first:second]
    from framing.text import word_count

    assert a.words == word_count(one_copy)


def test_004_is_a_forum_repost_of_state_owned_tass(seed_articles):
    tag = seed_articles["004"].tag
    assert tag.type == "forum_repost"
    assert tag.origin is not None
    assert (tag.origin.outlet, tag.origin.type, tag.origin.state_owned) == ("TASS", "agency", "yes")
    assert any("profile block" in e for e in tag.evidence)
    assert any("TASS, December 26." in e for e in tag.evidence)


def test_outlet_types_of_the_seeds(seed_articles):
    types = {k: a.tag.type for k, a in seed_articles.items()}
    assert types == {
        "000": "state_aligned",
        "001": "content_site",
        "002": "state_media",
        "003": "state_media",
        "004": "forum_repost",
    }


def test_000_dash_quotes_are_not_own_voice(seed_articles):
    # "– We were once again proposed to discuss Ukraine, …" is the Foreign Ministry's words.
    a = seed_articles["000"]
    text = a.clean.text
    start = text.index("We were once again proposed")
    assert any(q.start <= start < q.end for q in __import__("framing.quotes").quotes.quotations(text))


def test_hits_offsets_lead_back_to_the_original(seeds_result):
    for a in seeds_result.articles:
        for h in a.hits:
            s, e = a.clean.span_to_original(h.start, h.end)
            assert a.article.text[s:e] == a.clean.text[h.start : h.end]


def test_windows_line_endings_change_nothing_but_offsets(seed_articles, tmp_path):
    from framing.corpus import Article
    from framing.pipeline import load_lexicon_folder, score_article
    from framing.score.article import Scorer

    from helpers import LEXICONS

    lf = seed_articles["002"]
    crlf_text = lf.article.text.replace("\n", "\r\n")
    crlf = score_article(
        Article(lf.article.id, "RT", "", "", "", "", crlf_text, "crlf"),
        Scorer(*load_lexicon_folder(LEXICONS)),
    )
    assert (crlf.words, crlf.sentences) == (lf.words, lf.sentences)
    assert [(crlf.clean.text[h.start : h.end], h.voice) for h in crlf.hits] == [
        (lf.clean.text[h.start : h.end], h.voice) for h in lf.hits
    ]
    assert crlf.sentiment.sentence_compounds == lf.sentiment.sentence_compounds
    assert sorted(r.reason for r in crlf.clean.removed) == sorted(r.reason for r in lf.clean.removed)
