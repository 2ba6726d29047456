import shutil

from framing.clean import clean
from framing.outlets import domain_of, read_registry, tag
from framing.pipeline import load_lexicon_folder

from helpers import LEXICONS


def registry():
    return load_lexicon_folder(LEXICONS)[1]


def test_registry_has_the_outlets_users_meet():
    reg = registry()
    assert len(reg.outlets) >= 30
    assert all(o.note for o in reg.outlets)
    for name in [
        "TASS",
        "RIA Novosti",
        "Interfax",
        "Sputnik",
        "RT",
        "News Front",
        "DPA",
        "Anadolu",
        "Reuters",
        "AP",
        "AFP",
        "Xinhua",
        "CGTN",
        "BBC",
        "DW",
    ]:
        assert reg.by_name(name) is not None, name
    assert {"agency", "state_media", "forum_repost", "aggregator", "other", "unknown"} <= set(reg.types)
    assert reg.by_name("tass").state_owned == "yes"


def test_lookup_by_domain_and_subdomain():
    reg = registry()
    assert reg.by_domain("www.rt.com").name == "RT"
    assert reg.by_domain("russian.rt.com").name == "RT"
    assert reg.by_domain("deep.sub.reuters.com").name == "Reuters"
    assert reg.by_domain("example.org") is None
    assert domain_of("https://www.rt.com/russia/1/") == "rt.com"
    assert domain_of("ustv.online/x") == "ustv.online"


def test_tag_from_url_when_no_outlet_is_given():
    t = tag("", "https://www.reuters.com/world/x", clean("Some text."), registry())
    assert (t.outlet, t.type) == ("Reuters", "agency")
    assert "URL domain reuters.com" in t.evidence[0]


def test_tag_from_text_cues_alone():
    text = "Story text here.\nAlso on rt.com Another headlineThe rest of it."
    t = tag("", "", clean(text), registry())
    assert (t.outlet, t.type) == ("RT", "state_media")
    profile = (
        "nick\n- Joined\n- Jan 1, 2020\n- Messages\n- 5\nThe post body that is long enough to be text.\n"
    )
    t = tag("", "", clean(profile), registry())
    assert (t.outlet, t.type) == ("unknown", "forum_repost")


def test_wire_datelines_name_the_origin():
    for line, agency in [
        ("MOSCOW, Dec 26 (Reuters) - The talks", "Reuters"),
        ("WASHINGTON (AP) — The talks", "AP"),
        ("Interfax, March 3. The talks went on.", "Interfax"),
    ]:
        t = tag("Some Blog", "", clean(line + "\nMore."), registry())
        assert t.origin is not None and t.origin.outlet == agency, line
        assert t.type == "unknown" and "not in the registry" in t.evidence[0]


def test_unknown_outlet_says_so():
    t = tag("", "", clean("Plain text with no cues."), registry())
    assert (t.outlet, t.type) == ("unknown", "unknown")
    assert "no outlet given" in t.evidence[-1]


def test_registry_errors_name_file_and_line(tmp_path):
    shutil.copy(LEXICONS / "outlet_types.csv", tmp_path)
    (tmp_path / "outlets.csv").write_text(
        "outlet,aliases,domains,type,state_owned,country,note\n"
        "A,,a.com,agency,yes,XX,n\n"
        "B,,a.com,wire,maybe,XX,n\n"
        "C,a,not a domain,agency,no,XX,n\n"
        "D,Dee;d,d.com,agency,no,XX,n\n",
        encoding="utf-8",
    )
    _, problems = read_registry(tmp_path)
    assert [f"{p.line}: {p.message}" for p in problems] == [
        "3: unknown type 'wire' (known: agency, state_media, public_media, state_aligned, national_media, "
        "content_site, forum_repost, aggregator, other, unknown)",
        "3: state_owned must be one of yes, no, partly, not 'maybe'",
        "3: domain 'a.com' is already used on line 2",
        "4: name 'a' is already used on line 2",
        "4: domain 'not a domain' is not a host name like example.com",
        "5: name 'd' is given twice on this line (names ignore case)",
    ]
