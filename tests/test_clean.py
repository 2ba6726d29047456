"""Cleaning: general steps on made-up text, then what the seeds README says each page left in."""

import gzip
import json
import random
import re
from collections import Counter
from functools import cache

import pytest

import framing.clean as clean_module
from framing.clean import (
    Cut,
    clean,
    footer,
    forum_profile,
    html_tags,
    icon_strip,
    promotions,
    repeated_paragraphs,
    timestamp_lines,
)
from framing.text import norm_key, sentences

from helpers import SHARED, seed_and_basil_texts, seed_text


def cut_text(text: str, step) -> list[str]:
    return [text[c.start : c.end] for c in step(text)]


def test_offsets_map_back_to_the_original():
    original = "JUNK LINE icon a icon b icon c icon d icon e\nReal text here.\nReal text here.\nEnd."
    c = clean(original)
    assert c.text == "Real text here.\nEnd."
    for i, ch in enumerate(c.text):
        assert original[c.to_original(i)] == ch
    start, end = c.span_to_original(c.text.index("End"), c.text.index("End") + 3)
    assert original[start:end] == "End"


def test_cleaning_only_cuts_characters():
    original = seed_text("003")
    c = clean(original)
    assert "".join(original[s:e] for s, e in c.pieces) == c.text
    assert len(c.text) + sum(r.end - r.start for r in c.removed) == len(original)


def test_promotion_glued_to_the_next_sentence_keeps_the_sentence():
    text = "Also on example.com Big news about something elseIn April, the minister spoke."
    assert cut_text(text, promotions) == ["Also on example.com Big news about something else"]


def test_promotion_on_its_own_line():
    text = "First.\nREAD MORE: Another story entirely\nSecond."
    assert cut_text(text, promotions) == ["READ MORE: Another story entirely\n"]


def test_icon_strip_needs_many_icon_words():
    assert icon_strip("The icon of the era.\n") == []
    assert len(icon_strip("icon a icon b icon c icon d icon e\n")) == 1


def test_timestamp_line_only_when_alone():
    assert cut_text("7 Apr, 2016 05:27\nOn 7 Apr, 2016 he spoke.", timestamp_lines) == ["7 Apr, 2016 05:27\n"]


def test_footer_only_at_the_end_and_only_furniture():
    body = "A long real paragraph about the news that goes on for a while.\n"
    assert footer(body + "Share this story!\nAdd a comment") != []
    # A body line that happens to start like furniture, followed by real copy, stays.
    assert footer("Tags: none\n" + body * 15) == []


# The two steps as first written: the references for the steps that now look first for
# what a cut line must hold.
def _icon_strip_line_by_line(text: str) -> list[Cut]:
    cuts = []
    for line in clean_module.lines(text):
        words = line.text.split()
        icons = sum(1 for w in words if "icon" in w.casefold())
        if icons >= 5 and icons >= 0.3 * len(words):
            cuts.append(Cut(line.start, line.end, "icon labels from the page navigation"))
    return cuts


def _footer_from_all_lines(text: str) -> list[Cut]:
    tail = [ln for ln in clean_module.lines(text) if ln.text.strip()][-12:]
    for i, line in enumerate(tail):
        rest = tail[i:]
        if clean_module._FOOTER.match(line.text) and (
            all(len(r.text.split()) <= 25 for r in rest)
            and 2 * sum(1 for r in rest if clean_module._FOOTER.match(r.text)) >= len(rest)
        ):
            return [Cut(line.start, len(text), "site footer (share, author, comments)")]
    return []


LINE_STEP_PIECES = [
    "7 Apr, 2016 05:27",
    "April 7, 2016 5:27 PM EST",
    "2016-04-07",
    " 2016-04-07 ",
    "Sept. 30 2019",
    "12345678",
    "٧ Apr, ٢٠١٦",  # Arabic-Indic digits: \d holds them
    "On 7 Apr, 2016 he spoke.",
    "icon",
    "ICON",
    "bicon",
    "icon icon icon",
    "bookmark-icon camera-ICON",
    "İcon",  # casefolds to i + a combining dot: not "icon"
    "ıcon",  # dotless i: matches "icon" case-blind, but is not it casefolded
    "Share this story!",
    "Add a comment",
    "Share this story!\n",
    "Add a comment\n",
    "Tags: news\n",
    "Follow us\n",
    "© 2016",
    "a real sentence of the article with enough words in it to be copy",
    " ",
    "\t",
    "\r",
    "\n",
    "\n",
    "\n\n",
]


@pytest.mark.parametrize(
    ("step", "reference"),
    [
        (icon_strip, _icon_strip_line_by_line),
        (footer, _footer_from_all_lines),
    ],
)
def test_line_steps_give_the_cuts_of_trying_every_line(step, reference):
    """icon_strip tries only texts whose casefolded form holds "icon" five times, footer
    only the lines after the last long one among the last twelve: the same cuts as trying
    every line, on the seeds, BASIL and made-up texts."""
    rng = random.Random(17)
    made_up = ["".join(rng.choices(LINE_STEP_PIECES, k=rng.randint(1, 40))) for _ in range(4000)]
    texts = made_up + seed_and_basil_texts()
    expected = [reference(t) for t in texts]
    assert sum(bool(cuts) for cuts in expected[: len(made_up)]) > 200  # the made-up texts have cuts
    assert [step(t) for t in texts] == expected


def test_forum_profile_block_needs_two_labels():
    block = "someone\nMEMBER\n- Joined\n- Jun 23, 2013\n- Messages\n- 10\nReal post text that is long enough here.\n"
    assert cut_text(block, forum_profile) == ["someone\nMEMBER\n- Joined\n- Jun 23, 2013\n- Messages\n- 10\n"]
    assert forum_profile("Joined the talks\nA normal article line that is long enough.\n") == []


def test_repeated_paragraphs_keep_the_first_copy():
    text = "Headline\nHeadline\nBody one is here with enough words to count.\nBody one is here with enough words to count.\n"
    cuts = repeated_paragraphs(text)
    assert [text[c.start : c.end] for c in cuts] == [
        "Headline\n",
        "Body one is here with enough words to count.\n",
    ]
    assert cuts[0].start == len("Headline\n")


def test_near_duplicate_paragraph():
    a = "The council met on Monday in Brussels to discuss the situation in the region at length.\n"
    b = "The council met on Monday in Brussels to discuss the situation in the region at length today.\n"
    assert [c.reason for c in repeated_paragraphs(a + b)] == ["near-duplicate paragraph"]


@pytest.mark.parametrize(
    ("first", "second", "near"),
    [
        # word 5-grams: 8 distinct words give 4, 9 give 5, 10 give 6
        ("a1 b2 c3 d4 e5 f6 g7 h8", "a1 b2 c3 d4 e5 f6 g7 h8 i9", True),  # 4 of 5 shared: J = 0.8
        ("a1 b2 c3 d4 e5 f6 g7 h8", "a1 b2 c3 d4 e5 f6 g7 h8 i9 j10", False),  # J = 4/6
        ("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10", "a1 b2 c3 d4 e5 f6 g7 h8 i9", True),  # J = 5/6
        ("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10", "b2 c3 d4 e5 f6 g7 h8 i9 j10", True),  # only the end shared
        ("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10", "a1 b2 c3 d4 e5 x0 g7 h8 i9 j10", False),  # J = 1/11
    ],
)
def test_near_duplicate_threshold_worked_by_hand(first, second, near):
    cuts = repeated_paragraphs(f"{first}\n{second}\n")
    assert [c.reason for c in cuts] == (["near-duplicate paragraph"] if near else [])


REPEAT_EDGES = [
    "",
    "   \n\n",
    "---\n***\n---\n",
    "Headline\nHeadline\n",
    "Word\nAnother line with Word in it\nWord\n",
    "Straße ist hier.\nSTRASSE IST HIER.\n",  # casefolding makes the two keys equal
    "Emoji 🎉 line one two three four\nEmoji 🎉 line one two three four five\n",
    "One two three four five.\nBefore it. One two three four five. After it.\n",
    "One two three four five six seven.\nThe lede. One two three four five six seven.\n",
    "a b c d e f g h\nx a b c d e f g h\n",
    "a b c d e f g h i j\nk a b c d e f g h i\nz a b c d e f g h i j\n",
    "the same five words here\nthe same five words here too\nand the same five words here\n",
    # A lede whose only longer holder has its key (a second sentence with no word): a copy.
    "Talks end.\n… Talks end.\nThe talks end here for now.\n",
    "… Talks end.\nTalks end.\nNew line. Talks end.\n",
    "Dr. Smith spoke.\nIt was late. Dr. Smith spoke.\n",  # an abbreviation is no sentence end
]


@cache
def _texts_for_repeats() -> tuple[str, ...]:
    """Texts as repeated_paragraphs sees them: made-up edge cases, the seeds, BASIL and the
    first 1,000 AllSides articles, each after the cleaning steps before it."""
    texts = REPEAT_EDGES + seed_and_basil_texts()
    if (SHARED / "corpora").is_dir():
        with gzip.open(SHARED / "corpora" / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line, _ in zip(f, range(1000), strict=False)]
    before = clean_module.STEPS[: clean_module.STEPS.index(repeated_paragraphs)]
    return tuple(clean(t, before).text for t in texts)


def _paragraph_by_paragraph(text: str):
    """Every text down the exact path: keys from norm_key, always searched for copies."""
    return [(line, key) for line in clean_module.lines(text) if (key := norm_key(line.text))], True


def _made_up_texts(n: int) -> list[str]:
    """Lines drawn at random, with copies, near copies, ledes, a phrase many lines share and
    lines with a sentence of no word, from a small vocabulary so that paragraphs meet."""
    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(60)]

    def words(k: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(k))

    texts = []
    for _ in range(n):
        ls: list[str] = []
        for _ in range(rng.randint(2, 30)):
            r = rng.random()
            if r < 0.2 and ls:
                ls.append(rng.choice(ls))
            elif r < 0.35 and ls:
                ls.append(rng.choice(ls).split(". ")[-1])
            elif r < 0.5:
                ls.append(f"{words(3)} the president of the united states {words(3)}.")
            elif r < 0.6 and ls:
                ls.append("… " + rng.choice(ls))
            elif r < 0.7 and ls:
                ls.append(f"{rng.choice(ls)} {words(1)}")  # near a copy when the line is long
            else:
                ls.append(
                    ". ".join(words(rng.randint(1, 12)).capitalize() for _ in range(rng.randint(1, 3))) + "."
                )
        texts.append("\n".join(ls))
    return texts


def _repeats_by_definition(text: str) -> list[tuple[int, int, str]]:
    """repeated_paragraphs as its docstring defines it, by brute force: each line that
    holds a word, in order, against every kept line and every other line."""
    paras = [(line, key) for line in clean_module.lines(text) if (key := norm_key(line.text))]
    sentence_keys = [[norm_key(line.text[s:e]) for s, e in sentences(line.text)] for line, _ in paras]

    def five_grams(key: str) -> set[tuple[str, ...]]:
        w = key.split()
        return {tuple(w[i : i + 5]) for i in range(len(w) - 4)} if len(w) >= 5 else {tuple(w)}

    kept: list[tuple[str, set[tuple[str, ...]]]] = []
    cuts = []
    for i, (line, key) in enumerate(paras):
        grams = five_grams(key)
        if any(key == k for k, _ in kept):
            reason = "repeated paragraph"
        elif len(key.split()) >= 8 and any(5 * len(grams & g) >= 4 * len(grams | g) for _, g in kept):
            reason = "near-duplicate paragraph"
        elif len(sentence_keys[i]) == 1 and any(
            len(sentence_keys[j]) > 1 and key in sentence_keys[j] and other != key
            for j, (_, other) in enumerate(paras)
        ):
            reason = "line repeated as a sentence of another paragraph"
        else:
            kept.append((key, grams))
            continue
        cuts.append((line.start, line.end, reason))
    return cuts


def test_html_tags_equal_the_regex_they_stand_for():
    """Script, style and comment blocks, closed and not, tags, stray marks and letters that
    match [A-Za-z] only ignoring case, against the one regex html_tags stands for."""
    regex = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|</?[A-Za-z][^<>]{0,400}>", re.S | re.I)
    rng = random.Random(9)
    pieces = ["<script>", "<SCRIPT type=x>", "<Script", "</script>", "</SCRIPT >", "<style>", "</style\n>"]
    pieces += [
        "<!--",
        "-->",
        "--->",
        "<!-->",
        "<p>",
        "</p>",
        "<br/>",
        "<",
        ">",
        "<ſpan>",
        "<İ>",
        "<3 ",
        "<scripts>",
    ]
    pieces += ["text ", "more words ", "\n", "a < b ", "x" * 390 + ">"]
    texts = ["".join(rng.choices(pieces, k=rng.randint(1, 40))) for _ in range(5000)]
    texts += [seed_text(n) for n in ("000", "001", "002", "003", "004")]
    expected = [[Cut(m.start(), m.end(), "HTML markup") for m in regex.finditer(t)] for t in texts]
    assert sum(map(len, expected)) > 20_000
    assert [html_tags(t) for t in texts] == expected


def test_promotions_equal_a_search_from_each_promotion():
    """Each promotion cut up to the first glue point after it, as a search from the
    promotion finds it, on real texts and on made-up lines of many promotions."""
    rng = random.Random(5)
    pieces = [
        "Also on rt.com ",
        "Read more: ",
        "READ MORE: ",
        "Related: ",
        "See also on bbc.co.uk ",
        "word ",
        "Word ",
    ]
    pieces += ["bordersIn ", "said.“We ", "it)The ", "ok ", "\n"]
    texts = [
        *_texts_for_repeats(),
        *("".join(rng.choices(pieces, k=rng.randint(1, 60))) for _ in range(2000)),
    ]

    def by_search(text: str) -> list[Cut]:
        cuts = []
        for line in clean_module.lines(text):
            line_end = line.start + len(line.text)
            for m in clean_module._PROMO.finditer(text, line.start, line_end):
                glue = clean_module._GLUE.search(text, m.end(), line_end)
                if glue:
                    cuts.append(Cut(m.start(), glue.end(), "promotion of another story"))
                elif m.start() == line.start:
                    cuts.append(Cut(line.start, line.end, "promotion of another story"))
        return cuts

    expected = [by_search(t) for t in texts]
    assert sum(len(c) for c in expected) > 1000
    assert [promotions(t) for t in texts] == expected


def test_repeats_equal_their_definition(monkeypatch):
    """Real texts and made-up ones against the brute-force definition: as they come, then
    without the screen for ledes (as a long text goes), then with every text down the
    exact paragraph-by-paragraph path."""
    texts = [*_texts_for_repeats(), *_made_up_texts(300)]
    expected = [_repeats_by_definition(t) for t in texts]
    reasons = Counter(c[2] for cuts in expected for c in cuts)
    assert min(reasons.values()) > 20 and len(reasons) == 3  # every rule is met, often

    def found() -> list[list[tuple[int, int, str]]]:
        return [[(c.start, c.end, c.reason) for c in repeated_paragraphs(t)] for t in texts]

    assert found() == expected
    monkeypatch.setattr(clean_module, "_SCREEN_WORK", 0)
    assert found() == expected
    monkeypatch.setattr(clean_module, "_paragraphs", _paragraph_by_paragraph)
    assert found() == expected


def test_lines_sharing_a_phrase_are_not_compared_in_pairs(monkeypatch):
    """2,000 lines hold one 5-word phrase and are otherwise unalike: the screen for similar
    lines compares none of them (every two were paired before), and with one repeated line
    (which takes the text down the paragraph-by-paragraph path) almost none."""
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(5000)]
    rows = [
        " ".join(
            [
                *rng.choices(vocabulary, k=6),
                "the president of the united states",
                *rng.choices(vocabulary, k=6),
            ]
        )
        for _ in range(2000)
    ]
    compared = []
    real_similar = clean_module._similar
    monkeypatch.setattr(clean_module, "_similar", lambda a, b: compared.append(1) or real_similar(a, b))
    assert repeated_paragraphs("\n".join(rows)) == []
    assert compared == []
    text = "\n".join(["A line said twice here.", *rows, "A line said twice here."])
    assert [text[c.start : c.end] for c in repeated_paragraphs(text)] == ["A line said twice here."]
    assert len(compared) < 20


def test_the_screen_keys_paragraphs_as_norm_key_does_and_lets_most_texts_skip_the_search():
    texts = _texts_for_repeats()
    assert [clean_module._paragraphs(t)[0] for t in texts] == [_paragraph_by_paragraph(t)[0] for t in texts]
    assert sum(not clean_module._paragraphs(t)[1] for t in texts) > len(texts) // 2


# ---- the seeds, against their README ---------------------------------------------------


def test_002_icon_strip_dateline_and_doubled_headline_are_gone():
    c = clean(seed_text("002"))
    assert "icon" not in c.text.split("\n", 3)[0:3].__str__()
    assert "bookmark" not in c.text
    assert "05:27" not in c.text
    assert c.text.count("We need to talk… Stoltenberg says NATO seeking Russia meeting") == 1


def test_003_every_promotion_is_gone_and_the_glued_sentences_stay():
    c = clean(seed_text("003"))
    assert "Also on rt.com" not in c.text
    for promoted in (
        "marshal 20 new military formations",
        "RFERL backtracks",
        "insists bloc’s supreme commander",
    ):
        assert promoted not in c.text
    for sentence in (
        "In April, Russia’s foreign minister, Sergey Lavrov, rejected claims",
        "Last week, Russian Defense Minister Sergey Shoigu said",
        "Since then, relations have deteriorated significantly.",
    ):
        assert sentence in c.text
    assert "Share this story" not in c.text
    assert c.text.rstrip().endswith("primarily through NATO.”")


def test_001_footer_is_gone_and_the_body_ends_where_the_article_does():
    c = clean(seed_text("001"))
    for junk in (
        "Share to friends",
        "Killian Jones",
        "Chief-Editor",
        "admin@ustv.online",
        "Rate author",
        "Add a comment",
    ):
        assert junk not in c.text
    assert c.text.rstrip().endswith("this has not brought any tangible results.")
    assert c.text.count("Relations with Russia have hit rock bottom”") == 1
    assert "Stoltenberg meets US President Biden" in c.text  # a crosshead, not furniture


def test_004_profile_block_gone_and_tass_text_counted_once():
    original = seed_text("004")
    c = clean(original)
    for junk in ("vostok", "PDF THINK TANK", "Joined", "Reaction score", "10,291", "Location"):
        assert junk not in c.text
    assert original.count("TASS, December 26.") == 2
    assert c.text.count("TASS, December 26.") == 1
    assert c.text.count("The source noted that NATO was in talks with Russia on this issue") == 1
    assert c.text.count("carefully review Moscow’s proposals.") == 1


def test_000_keeps_its_headline_and_body():
    original = seed_text("000")
    c = clean(original)
    assert c.text == original  # nothing in 000 is furniture


@pytest.mark.parametrize(
    "line",
    [
        "Also on rt.com NATO moves east",
        "Read more on example.co.uk Moscow replies",
        "See also on news.example.com A story",
        "READ MORE: A story",
        "Read more: A story",
        "Related: A story",
        "See also: A story",
    ],
)
def test_every_form_of_promotion_passes_the_quick_word_check(line):
    # promotions() looks for _PROMO_WORDS before running its regex: each alternative of the
    # regex must hold one of the words, or a promotion would be missed.
    text = f"A sentence here.\n{line}In April, troops left.\n"
    assert clean_module._PROMO.search(text)
    assert clean_module.promotions(text), line


def test_cleaning_keeps_no_lines_of_its_text_after_it_is_done():
    """The line splits are for the steps of one text; held on, they weighed on the peak of
    a huge text while it was scored."""
    from framing.clean import _line_starts, lines

    cleaned = clean("Headline\nHeadline\nA paragraph of the story.\nRead more: elsewhere\n")
    assert cleaned.text != cleaned.original  # steps ran and cut
    assert lines.cache_info().currsize == 0 and _line_starts.cache_info().currsize == 0
