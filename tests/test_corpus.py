import csv
import gzip
import io
import json
import random
import re
import tracemalloc

import pytest

from framing import corpus
from framing.config import CompareConfig
from framing.corpus import InputMeter, read_inputs, read_path
from framing.errors import InputError
from framing.text_encoding import decode_article, guess_legacy_encoding

from helpers import LEXICONS, SEEDS, render

RUSSIAN = "Генеральный секретарь НАТО заявил, что альянс готов к диалогу с Россией."
FRENCH = "Le secrétaire général de l'OTAN a déclaré qu'il était prêt à dialoguer avec la Russie."


def articles(path, warnings=None):
    return list(read_inputs([path], (warnings if warnings is not None else []).append))


def test_seeds_folder_with_manifest():
    got = articles(SEEDS)
    assert [a.id for a in got] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    by_id = {a.id[:3]: a for a in got}
    assert (by_id["002"].outlet, by_id["002"].date) == ("RT", "2016-04-07")
    assert by_id["000"].url.startswith("https://en.news-front.su/2020/12/29/")
    assert by_id["004"].outlet == "defence.pk"


def test_seed_files_are_the_shared_ones_unchanged():
    from helpers import SHARED

    shared = SHARED / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for p in shared.glob("*.txt"):
        assert (SEEDS / p.name).read_bytes() == p.read_bytes()


def test_folder_without_manifest(tmp_path):
    (tmp_path / "a.txt").write_text("Hello world.", encoding="utf-8")
    (a,) = articles(tmp_path)
    assert (a.id, a.outlet, a.url, a.text) == ("a", "", "", "Hello world.")


def test_utf8_bom_is_removed(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbfHello.")
    assert articles(tmp_path)[0].text == "Hello."


def test_cp1251_and_latin1_are_detected_with_a_warning(tmp_path):
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "fr.txt").write_bytes(FRENCH.encode("latin-1"))
    warnings: list[str] = []
    got = {a.id: a.text for a in articles(tmp_path, warnings)}
    assert got == {"ru": RUSSIAN, "fr": FRENCH}
    assert warnings == [
        "tmp/fr.txt: not UTF-8; read as cp1252 (detected)".replace("tmp", tmp_path.name),
        "tmp/ru.txt: not UTF-8; read as cp1251 (detected)".replace("tmp", tmp_path.name),
    ]


def test_undecidable_bytes_are_refused_by_name():
    text, message = decode_article(bytes(range(0x80, 0x100)) * 3, "x.txt")
    assert text is None and "not UTF-8, and not recognisably cp1251 or latin-1" in message
    greek = "Ο γενικός γραμματέας του ΝΑΤΟ δήλωσε ότι η συμμαχία είναι έτοιμη για διάλογο με τη Ρωσία."
    polish = "Sekretarz generalny NATO powiedział, że sojusz jest gotowy do dialogu z Rosją."
    assert guess_legacy_encoding(greek.encode("cp1253")) is None
    assert guess_legacy_encoding(polish.encode("cp1250")) is None
    assert guess_legacy_encoding(RUSSIAN.encode("cp1251")) == "cp1251"
    assert guess_legacy_encoding(FRENCH.encode("latin-1")) == "cp1252"


def test_binary_and_empty_files_are_skipped_with_a_warning(tmp_path):
    (tmp_path / "good.txt").write_text("Real text.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    warnings: list[str] = []
    assert [a.id for a in articles(tmp_path, warnings)] == ["good"]
    assert [w.split("/")[1] for w in warnings] == [
        "blank.txt: empty file, skipped",
        "empty.txt: empty file, skipped",
        "image.txt: binary file (NUL bytes), skipped",
    ]


def test_manifest_errors(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,outlet\nb,RT\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest.csv:2: id 'b' has no file b.txt in this folder"):
        articles(tmp_path)
    (tmp_path / "manifest.csv").write_text("id,outlet,colour\na,RT,red\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest.csv:1: unknown manifest column 'colour'"):
        articles(tmp_path)
    (tmp_path / "manifest.csv").write_text("outlet\nRT\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"needs an 'id' column"):
        articles(tmp_path)


def test_jsonl_with_media_cloud_names_and_gzip(tmp_path):
    rows = [
        {
            "stories_id": 11,
            "media_name": "Reuters",
            "media_url": "reuters.com",
            "publish_date": "2021-01-01",
            "title": "T",
            "url": "https://reuters.com/x",
            "text": "Body one.",
        },
        {"stories_id": 12, "media_name": "RT", "publish_date": None, "title": "U", "text": "Body two."},
    ]
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode()))
    got = articles(path)
    assert [(a.id, a.outlet, a.date, a.url, a.text) for a in got] == [
        ("11", "Reuters", "2021-01-01", "https://reuters.com/x", "Body one."),
        ("12", "RT", "", "", "Body two."),
    ]
    assert got[0].source == "export.jsonl.gz:1"


def test_damaged_gzip_inputs_are_errors_naming_the_file(tmp_path):
    rows = "".join(json.dumps({"id": i, "text": f"Body {i} " * 50}) + "\n" for i in range(2000)).encode()
    whole = gzip.compress(rows)
    for name, data in [
        ("cut.jsonl.gz", whole[: len(whole) // 2]),  # a download that stopped half way
        ("plain.jsonl.gz", rows),  # not compressed at all
        ("cut.csv.gz", gzip.compress(b"id,text\n1,a\n")[:-12]),
    ]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=rf"{re.escape(name)}: not a readable gzip file"):
            articles(tmp_path / name)
    # Many lines of a large file, read through the decompressing thread, come back whole.
    (tmp_path / "whole.jsonl.gz").write_bytes(whole)
    assert [a.text for a in articles(tmp_path / "whole.jsonl.gz")] == [f"Body {i} " * 50 for i in range(2000)]


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: not a JSON object"):
        articles(path)
    path.write_text('{"body_text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1: no text column"):
        articles(path)
    path.write_text("[1, 2]\n", encoding="utf-8")  # read as one JSON array
    with pytest.raises(
        InputError, match=r"bad.jsonl:1: each item of the array must be a JSON object, not int"
    ):
        articles(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl: no articles"):
        articles(path)
    path.write_text('{"text": "a"}\n[1]\n', encoding="utf-8")  # an array after an article is no array file
    with pytest.raises(InputError) as caught:
        articles(path)
    assert str(caught.value) == "bad.jsonl:2: each line must be a JSON object, not list"


# ---- one JSON array -----------------------------------------------------------------------


def _records(rng: random.Random, n: int) -> list[dict[str, object]]:
    pieces = ["word", "Россия", "日本", "🙂", '"quoted"', "a, b", "[x]", "{y}", "\\", "\n", " "]
    return [
        {
            "id": f"a{i}",
            "outlet": "RT",
            "text": "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 60))),
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_a_json_array_gives_what_the_same_json_lines_give(tmp_path, monkeypatch, block):
    """Pretty-printed, on one line, and gzip-compressed, cut into blocks of every size: the
    same articles as JSON Lines of the same records, each from the line its item opens on."""
    monkeypatch.setattr(corpus, "_BLOCK", block)
    records = _records(random.Random(block), 40)
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    expected = [(a.id, a.outlet, a.text) for a in articles(tmp_path / "a.jsonl")]
    pretty = json.dumps(records, indent=2, ensure_ascii=False)  # each item: {, 3 fields, }
    cases = {
        "pretty.json": pretty.encode(),
        "one.json": json.dumps(records).encode(),
        "pretty.json.gz": gzip.compress(pretty.encode()),
        "bom.json": b"\xef\xbb\xbf  \n" + pretty.encode(),  # a byte-order mark and a blank line first
        # More white space than one look at the file's start holds (it was taken for JSON Lines).
        "spaced.json": b"\xef\xbb\xbf" + b" \n" * 10_000 + pretty.encode(),
        "spaced.json.gz": gzip.compress(b"\r\n\t" * 10_000 + pretty.encode()),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        got = articles(tmp_path / name)
        assert [(a.id, a.outlet, a.text) for a in got] == expected, name
    # The line of the first {: the "[" is on the first line with something on it.
    shift = {
        "pretty.json": 2,
        "pretty.json.gz": 2,
        "bom.json": 3,
        "spaced.json": 10_002,
        "spaced.json.gz": 10_002,
    }
    for name, first in shift.items():
        assert [a.source for a in articles(tmp_path / name)] == [f"{name}:{first + 5 * k}" for k in range(40)]
    assert {a.source for a in articles(tmp_path / "one.json")} == {"one.json:1"}


def test_json_lines_after_much_white_space_keep_their_line_numbers(tmp_path):
    (tmp_path / "x.jsonl").write_bytes(b"\n" * 20_000 + b'{"id": "a", "text": "b"}\n')
    assert [a.source for a in articles(tmp_path / "x.jsonl")] == ["x.jsonl:20001"]


def test_items_of_an_array_without_ids_get_their_number(tmp_path):
    (tmp_path / "x.json").write_text('[{"text": "a"}, {"text": "b"}, {"text": "c"}]', encoding="utf-8")
    assert [a.id for a in articles(tmp_path / "x.json")] == ["x-1", "x-2", "x-3"]


def test_a_broken_json_array_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "x.json"
    for text, message in [
        (
            '[\n{"text": "a"},\n{"text": "b"}\n',
            "x.json:4: the JSON array needs ',' or ']' here; the file ends",
        ),
        ('[\n{"text": "a"},\n', "x.json:3: the JSON array is not closed: the file ends"),
        ('[\n{"text": "a"}\n{"text": "b"}]', "x.json:3: the JSON array needs ',' or ']' here; found '{'"),
        ('[\n{"text": "a"},\n{"text": "b\n}]', "x.json:3: not JSON (Invalid control character at)"),
        ('[{"text": "a"}]\n{"text": "b"}\n', "x.json:2: more after the end of the JSON array"),
        ('[\n{"text": "a"},\n["b"]\n]', "x.json:3: each item of the array must be a JSON object, not list"),
        ("[]\n", "x.json: no articles (an empty array)"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as caught:
            articles(path)
        assert str(caught.value) == message, text
    path.write_bytes(b'[\n{"text": "caf\xe9"}]')
    with pytest.raises(InputError, match=r"x.json: not UTF-8 \(invalid continuation byte\)"):
        articles(path)


def test_a_json_array_is_never_held_whole(tmp_path, monkeypatch):
    # 800 articles, 16 MB: the peak is about 0.5 MB of blocks and one article, plus under
    # 200 bytes an article (their ids, and the test's own list), so at 200 articles (4 MB)
    # it stood at the bound of an eighth of the file, and failed by 500 bytes.
    monkeypatch.setattr(corpus, "_BLOCK", 64 * 1024)
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps([{"id": str(i), "text": "word " * 4000 + "🙂"} for i in range(800)]), encoding="utf-8"
    )
    lengths, peak = _read_one_at_a_time(path)
    assert len(lengths) == 800
    assert peak < path.stat().st_size / 8, peak


def test_csv_with_quoted_newlines_and_hostile_titles(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        'id,outlet,title,text\n1,RT,"A | <b>bold</b> **x**","Line one,\nline two."\n', encoding="utf-8"
    )
    (a,) = articles(path)
    assert (a.title, a.text) == ("A | <b>bold</b> **x**", "Line one,\nline two.")


def test_malformed_csv_and_missing_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"unclosed\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a.csv:2: malformed CSV"):
        articles(path)
    path.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a.csv:1: no text column .* found id, title"):
        articles(path)
    path.write_text("id,text\n1,a,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a.csv:2: expected 2 fields, found 3"):
        articles(path)


def test_tab_separated_plain_and_gzip(tmp_path):
    data = "id\ttitle\ttext\n1\tA, b\tOne, two.\n"
    (tmp_path / "a.tsv").write_text(data, encoding="utf-8")
    (tmp_path / "b.tsv.gz").write_bytes(gzip.compress(data.encode()))
    for name in ("a.tsv", "b.tsv.gz"):
        (a,) = articles(tmp_path / name)
        assert (a.id, a.title, a.text) == ("1", "A, b", "One, two.")


def test_csv_field_larger_than_the_csv_module_default(tmp_path):
    big = "word " * 100_000  # 500 kB, over csv's default 128 kB field limit
    path = tmp_path / "big.csv"
    path.write_text(f'id,text\n1,"{big}"\n', encoding="utf-8")
    (a,) = articles(path)
    assert len(a.text) == len(big)


def test_duplicate_ids_are_kept_under_an_id_that_says_where_they_came_from(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "one"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "x", "text": "two"}\n', encoding="utf-8")
    warnings: list[str] = []
    got = list(read_inputs([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], warnings.append))
    assert [(a.id, a.text) for a in got] == [("x", "one"), ("x@b.jsonl:1", "two")]
    assert warnings == ["b.jsonl:1: duplicate article id 'x' (first in a.jsonl:1); kept as 'x@b.jsonl:1'"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_unpaired_surrogate_escapes_become_replacement_characters(tmp_path, suffix):
    # "\\ud83d" without its low half: a scraper's text cut inside an emoji. json.loads gives
    # a lone surrogate, which no UTF-8 holds: the report failed as it was written.
    records = [
        r'{"id": "1", "outlet": "RT", "text": "Cut \ud83d. Also \udfff and \ud83d\ude00 whole."}',
        r'{"id": "2\udc00", "outlet": "R\ud800", "title": "T\uDBFF", "text": "Fine."}',
        r'{"id": "3", "text": "Whole \ud83d\ude00 only."}',
    ]
    path = tmp_path / f"a{suffix}"
    path.write_text("\n".join(records) if suffix == ".jsonl" else f"[{', '.join(records)}]", encoding="ascii")
    warnings: list[str] = []
    got = articles(path, warnings)
    assert [(a.id, a.outlet, a.title, a.text) for a in got] == [
        ("1", "RT", "", "Cut \ufffd. Also \ufffd and \U0001f600 whole."),
        ("2\ufffd", "R\ufffd", "T\ufffd", "Fine."),
        ("3", "", "", "Whole \U0001f600 only."),
    ]
    where = [f"a{suffix}:1", f"a{suffix}:2"] if suffix == ".jsonl" else [f"a{suffix}:1"] * 2
    assert warnings == [
        f"{where[0]}: article '1': unpaired surrogate escapes replaced with U+FFFD (2 in text)",
        f"{where[1]}: article '2\ufffd': unpaired surrogate escapes replaced with U+FFFD (3 in id, outlet, title)",
    ]


def test_missing_input_and_unknown_kind(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_path(tmp_path / "nope"))
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError) as refused:
        list(read_path(tmp_path / "x.pdf"))
    # Every kind the readers take is named, and only those.
    assert str(refused.value) == (
        f"{tmp_path / 'x.pdf'}: not a folder or a file framing reads (.txt, .jsonl, .jsonl.gz, "
        ".ndjson, .ndjson.gz, .json, .json.gz, .csv, .csv.gz, .tsv, .tsv.gz; or - for standard input)"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no \.txt files in this folder"):
        list(read_path(empty))


def test_a_huge_article_goes_through_whole(tmp_path):
    """About 1 MB in one file: every 'claimed' is found, nothing is deduplicated away."""
    rng = random.Random(7)
    vocabulary = (
        "the council met in Brussels to discuss “security” alliance bloc, Russia claimed NATO talks".split()
    )
    paragraphs = [" ".join(rng.choice(vocabulary) for _ in range(40)) + "." for _ in range(3000)]
    text = "\n".join(paragraphs)
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    (article,) = render(CompareConfig((tmp_path,), LEXICONS, tmp_path, "big", "article")).articles
    claimed = [h for h in article.hits if h.entry.term == "claimed"]
    assert len(claimed) == len(re.findall(r"\bclaimed\b", text))
    assert article.clean.text == text
    assert article.words == len(text.split())


# ---- CSV read as a stream ---------------------------------------------------------------


def _reference_csv(data: bytes, encoding: str) -> list[tuple[str, str, str]]:
    """(source line, title, text) of each row, from the csv module on the whole decoded
    file: how framing read a CSV before it streamed."""
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""), strict=True)
    header = next(reader)
    rows = []
    while True:
        line = reader.line_num + 1
        row = next(reader, None)
        if row is None:
            return rows
        if any(f.strip() for f in row):
            record = dict(zip(header, row, strict=True))
            rows.append((f"x.csv:{line}", record["title"], record["text"]))


def _csv_text(rng: random.Random, rows: int) -> str:
    """A CSV whose fields hold what breaks a reader at a block edge: multi-byte letters
    (Cyrillic, CJK, emoji), quoted commas, quotes and line breaks, CRLF, blank rows."""
    pieces = ["word", "Россия", "日本", "🙂", "“quoted”", "a, b", 'say ""hi""', "\r\n", "\n", " "]
    lines = ["id,title,text"]
    for i in range(rows):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        title = "".join(rng.choice(pieces[:7]) for _ in range(3))
        lines.append(f'{i},"{title.replace(chr(34), chr(34) * 2)}","{text.replace(chr(34), chr(34) * 2)}"')
        if rng.random() < 0.1:
            lines.append("")
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_a_streamed_csv_gives_what_the_whole_file_gives(tmp_path, monkeypatch, block):
    """Every encoding framing reads, cut into blocks of every size: each row as the csv
    module reads it from the whole decoded text."""
    monkeypatch.setattr(corpus, "_BLOCK", block)
    rng = random.Random(block)
    text = _csv_text(rng, 60)
    western = text.replace("Россия", "déjà").replace("日本", "été").replace("🙂", "€")
    cases = [
        ("utf-8-sig", text.encode("utf-8"), ""),
        ("utf-8-sig", b"\xef\xbb\xbf" + text.encode("utf-8"), ""),
        ("utf-16", text.encode("utf-16"), ""),  # a byte-order mark, little-endian here
        ("utf-16", b"\xfe\xff" + text.encode("utf-16-be"), ""),
        ("cp1251", ('id,title,text\n1,Заголовок,"' + RUSSIAN * 50 + '"\n').encode("cp1251"), "cp1251"),
        ("cp1252", western.replace("“", "«").replace("”", "»").encode("cp1252"), "cp1252"),
    ]
    for encoding, data, detected in cases:
        for name, stored in (("x.csv", data), ("x.csv.gz", gzip.compress(data))):
            (tmp_path / name).write_bytes(stored)
            warnings: list[str] = []
            got = [
                (a.source.replace(".gz", ""), a.title, a.text) for a in articles(tmp_path / name, warnings)
            ]
            assert got == _reference_csv(data, encoding), (encoding, name)
            assert warnings == ([f"{name}: not UTF-8; read as {detected} (detected)"] if detected else [])


def test_a_csv_encoding_is_told_from_the_whole_file_not_its_first_block(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "_BLOCK", 1024)
    ascii_rows = "".join(f"{i},plain text\n" for i in range(3000))  # 44 kB before any accent
    path = tmp_path / "x.csv"
    path.write_bytes(f"id,text\n{ascii_rows}3000,{FRENCH}\n".encode("cp1252"))
    warnings: list[str] = []
    assert articles(path, warnings)[-1].text == FRENCH
    assert warnings == ["x.csv: not UTF-8; read as cp1252 (detected)"]
    # Russian in the first block, Greek after it: as a whole the bytes are not Russian.
    greek = "Ο γενικός γραμματέας του ΝΑΤΟ δήλωσε ότι η συμμαχία είναι έτοιμη για διάλογο με τη Ρωσία."
    head = f"id,text\n1,{RUSSIAN}\n".encode("cp1251")
    tail = "".join(f"{i},{greek}\n" for i in range(2, 400)).encode("cp1253")
    assert guess_legacy_encoding(head) == "cp1251"
    assert guess_legacy_encoding(head + tail) is None
    path.write_bytes(head + tail)
    with pytest.raises(InputError, match=r"^x.csv: not UTF-8, and not recognisably cp1251 or latin-1"):
        articles(path)


def test_guess_in_blocks_is_the_guess_on_the_whole(tmp_path):
    rng = random.Random(3)
    samples = [
        RUSSIAN.encode("cp1251"),
        FRENCH.encode("latin-1"),
        (RUSSIAN + "\n" + FRENCH).encode("cp1251", errors="replace"),
        bytes(range(0x80, 0x100)) * 3,
        ("plain\n" * 30 + FRENCH + "\n" + RUSSIAN).encode("cp1251", errors="replace"),
    ]
    for data in samples:
        whole = guess_legacy_encoding(data)
        for _ in range(20):
            cuts = sorted(rng.sample(range(1, len(data)), 3))
            blocks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
            assert guess_legacy_encoding(iter(blocks)) == whole


def test_csv_that_cannot_be_read_is_refused_by_name(tmp_path):
    for data, message in [
        (b"", "x.csv: empty file"),
        (b"  \r\n\n\t ", "x.csv: empty file"),
        (b"id,text\n1,\x00\x89PNG\n", "x.csv: binary file (NUL bytes)"),
        (b"id,text\n1," + bytes(range(0x80, 0x100)) * 3 + b"\n", "x.csv: not UTF-8, and not recognisably"),
        (b"\xff\xfei\x00d\x00,\x00t\x00\x00\xd8", "x.csv: begins as UTF-16 but is not UTF-16"),
    ]:
        (tmp_path / "x.csv").write_bytes(data)
        with pytest.raises(InputError) as caught:
            articles(tmp_path / "x.csv")
        assert str(caught.value).startswith(message), data


def test_a_csv_is_never_held_whole(tmp_path, monkeypatch):
    """Reading a 16 MB CSV holds a few blocks, not the file: read whole and decoded (one
    emoji makes every character four bytes wide) a 4 MB one held about 40 MB. (At 4 MB the
    peak, about 0.5 MB, came within 7% of the bound of an eighth of the file.)"""
    monkeypatch.setattr(corpus, "_BLOCK", 64 * 1024)
    row = "word " * 4000 + "🙂"
    path = tmp_path / "big.csv"
    path.write_text("id,text\n" + "".join(f"{i},{row}\n" for i in range(800)), encoding="utf-8")
    lengths, peak = _read_one_at_a_time(path)
    assert sum(lengths) == 800 * len(row)
    assert peak < path.stat().st_size / 8, peak


def _read_one_at_a_time(path):
    """The length of each article's text, each dropped once counted, and the peak of the
    memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        lengths = [len(a.text) for a in read_inputs([path], lambda _: None)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lengths, peak


# ---- how far through the input --------------------------------------------------------------


def _shares(paths):
    """The meter's share after each article is read."""
    meter = InputMeter(paths)
    return meter, [meter.share() for _ in read_inputs(list(paths), lambda _: None, meter)]


def test_the_meter_follows_the_bytes_read(tmp_path):
    lines = [json.dumps({"id": str(i), "text": "word " * (i + 1)}) + "\n" for i in range(40)]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(lines), encoding="utf-8")
    total = sum(len(line) for line in lines)
    meter, shares = _shares([jsonl])
    assert meter.total == total
    # A plain file's position is exact: after article k, the first k lines.
    assert shares == [sum(len(line) for line in lines[: k + 1]) / total for k in range(40)]
    assert meter.share() == 1.0
    folder = tmp_path / "texts"
    folder.mkdir()
    sizes = []
    for i in range(5):
        (folder / f"{i}.txt").write_text("Words here. " * (i + 1), encoding="utf-8")
        sizes.append(len("Words here. ") * (i + 1))
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    meter, shares = _shares([folder, jsonl])
    assert meter.total == sum(sizes) + total
    assert shares[:5] == [sum(sizes[: k + 1]) / meter.total for k in range(5)]
    assert shares[5:] == [
        (sum(sizes) + sum(len(line) for line in lines[: k + 1])) / meter.total for k in range(40)
    ]


def test_the_meter_on_gzip_and_csv_counts_the_parse_not_the_encoding_look(tmp_path):
    rng = random.Random(5)
    rows = [
        "id,text",
        *(f"{i},{' '.join(f'w{rng.randrange(10**6)}' for _ in range(300))}" for i in range(300)),
    ]
    data = ("\n".join(rows) + "\n").encode()
    (tmp_path / "a.csv").write_bytes(data)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(data))
    (tmp_path / "a.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps({"text": r}) + "\n" for r in rows[1:]).encode())
    )
    for name in ("a.csv", "a.csv.gz", "a.jsonl.gz"):
        meter, shares = _shares([tmp_path / name])
        assert meter.total == (tmp_path / name).stat().st_size
        assert len(shares) == 300 and shares == sorted(shares), name
        if not name.endswith(".gz"):  # gzip is read from disk 1 MB at a time, more than this
            assert shares[0] < 0.05, name  # not the whole file already (as the encoding pass reads)
        assert meter.share() == 1.0
    # Nothing to measure by: no share at all.
    assert InputMeter([tmp_path / "missing.csv"]).share() is None


def test_the_meter_on_gzip_moves_a_megabyte_at_a_time(tmp_path):
    # ISA-L reads 8 of its blocks ahead: with 1 MB blocks, a 23 MB export showed 36%, 71%
    # and 100% read, and "0 s left" with a third of it to score.
    rng = random.Random(7)
    lines = [
        json.dumps({"text": " ".join(f"w{rng.randrange(10**9)}" for _ in range(100))}) + "\n"
        for _ in range(6000)
    ]
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress("".join(lines).encode(), compresslevel=1))
    size = path.stat().st_size
    assert size > 3_000_000
    _, shares = _shares([path])
    steps = [(b - a) * size for a, b in zip([0.0, *shares], shares, strict=False)]
    assert len(shares) == 6000 and shares == sorted(shares)
    assert max(steps) <= 1.1 * (1 << 20)  # a megabyte of the file, and what its header adds
    assert sum(1 for step in steps if step) >= 3
