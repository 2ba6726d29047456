import gzip
import json
import random
import re

import pytest

from framing.config import CompareConfig
from framing.corpus import decode_article, guess_legacy_encoding, read_inputs, read_path
from framing.errors import InputError

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
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1: each line must be a JSON object, not list"):
        articles(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl: no articles"):
        articles(path)


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


def test_missing_input_and_unknown_kind(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_path(tmp_path / "nope"))
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match=r"not a folder, \.txt, \.jsonl or \.csv file"):
        list(read_path(tmp_path / "x.pdf"))
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
