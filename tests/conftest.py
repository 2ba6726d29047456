from __future__ import annotations

from pathlib import Path

import pytest

from framing.config import CompareConfig

from helpers import LEXICONS, SEEDS, Rendered, render


@pytest.fixture(autouse=True)
def _result_store_in_tmp(tmp_path_factory, monkeypatch):
    """The CLI's default result store lives in the home folder: never the real one in tests."""
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path_factory.mktemp("store") / "results.sqlite"))


@pytest.fixture(scope="session")
def seeds_result() -> Rendered:
    return render(CompareConfig((SEEDS,), LEXICONS, Path("unused"), "seeds", "outlet_type"))


@pytest.fixture(scope="session")
def seed_articles(seeds_result: Rendered) -> dict[str, object]:
    return {a.article.id[:3]: a for a in seeds_result.articles}
