"""The seeds report, held byte for byte. After an intended change, regenerate with
`python tests/regenerate_goldens.py` and review the diff."""

import pytest

from golden import GOLDEN, render_seeds

REPORTS = GOLDEN.parents[1] / "reports"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_seeds()


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_seeds_report_matches_the_golden_file(rendered, suffix):
    golden = (GOLDEN / f"seeds{suffix}").read_text(encoding="utf-8")
    assert rendered[suffix] == golden, "seeds report changed: run tests/regenerate_goldens.py and review"


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_example_report_in_reports_is_current(suffix):
    if not REPORTS.is_dir():
        pytest.skip("reports/ is not beside an installed test run")
    assert (REPORTS / f"seeds{suffix}").read_bytes() == (GOLDEN / f"seeds{suffix}").read_bytes()
