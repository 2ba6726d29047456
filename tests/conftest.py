from __future__ import annotations

from pathlib import Path

import pytest

from framing.config import CompareConfig
from framing.pipeline import Result, run

from helpers import LEXICONS, SEEDS


@pytest.fixture(scope="session")
def seeds_result() -> Result:
    return run(CompareConfig((SEEDS,), LEXICONS, Path("unused"), "seeds", "outlet_type"))


@pytest.fixture(scope="session")
def seed_articles(seeds_result: Result) -> dict[str, object]:
    return {a.article.id[:3]: a for a in seeds_result.articles}
