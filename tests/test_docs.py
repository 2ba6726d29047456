"""The README's promises, checked: its two opening commands, and the test command CI runs;
and the architecture notes' list of modules."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"

pytestmark = pytest.mark.skipif(not README.exists(), reason="run from a checkout")


def commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README.read_text(encoding="utf-8"))


def test_readme_opens_with_the_install_and_test_commands():
    run, test = commands()[:2]
    assert run == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/framing compare"
    assert test == "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest"


def test_ci_runs_the_readme_test_command_verbatim():
    test = commands()[1]
    assert test in CI.read_text(encoding="utf-8").splitlines()


def test_the_architecture_table_lists_every_module():
    # A newcomer finds where anything lives from that table: a module left out of it (or
    # one listed that is gone) misleads.
    table = re.findall(r"^\| `([\w/]+\.py)` \|", (ROOT / "docs" / "ARCHITECTURE.md").read_text("utf-8"), re.M)
    package = ROOT / "src" / "framing"
    modules = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    }
    assert len(table) == len(set(table))
    assert set(table) == modules


def test_readme_excerpt_is_from_the_real_seeds_report():
    report = (ROOT / "reports" / "seeds.md").read_text(encoding="utf-8").splitlines()
    excerpt = re.search(r"```\n(- \*\*crimea_2014.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert excerpt
    for line in excerpt.group(1).splitlines():
        assert line in report, line


def test_worked_examples_in_the_lexicon_guide_are_valid(tmp_path):
    from framing.csvfile import parse_table
    from framing.lexicon.load import read_lexicon

    guide = (ROOT / "docs" / "lexicons.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.+?)```", guide, re.S)
    assert len(blocks) == 4
    for i, block in enumerate(blocks):
        if block.startswith("outlet,"):
            assert not parse_table(block, "outlets").problems
            continue
        path = tmp_path / f"example{i}.csv"
        path.write_text(block, encoding="utf-8")
        lexicon, problems = read_lexicon(path)
        assert not problems and lexicon is not None, problems
