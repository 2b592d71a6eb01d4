"""Fixtures: the real seed article, copied into tmp folders, and indexes built from it."""

import os
import shutil
from pathlib import Path

import pytest
from arsearch.indexer.build import rebuild_index
from arsearch.search import PassageSearcher

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ID = "000_b8da21838642536f"
DATA = Path(__file__).resolve().parent / "data"

# Results must not depend on how busy the machine is: the per-query deadlines are far off in tests,
# except where a test sets them itself (tests/test_budget.py).
os.environ.setdefault("ARSEARCH_QUERY_DEADLINE", "60")
os.environ.setdefault("ARSEARCH_SUGGEST_DEADLINE", "60")


def env_without_index() -> dict[str, str]:
    """This process's environment without $ARSEARCH_INDEX: a command run with it and no --index
    uses the default index, the only one built on first use."""
    return {k: v for k, v in os.environ.items() if k != "ARSEARCH_INDEX"}


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    """A private copy of the corpus that a test may add to, change or break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the seed, built once for every test that only reads it."""
    index_dir = tmp_path_factory.mktemp("index")
    rebuild_index(SEEDS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def searcher(seed_index):
    with PassageSearcher(seed_index) as s:
        yield s


@pytest.fixture(scope="session")
def tagger():
    """The shipped gazetteer's tagger (CLDR countries and discovery included)."""
    from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
    from arsearch.indexer.gazetteer import Gazetteer
    from arsearch.indexer.tagging import Tagger

    gazetteer = Gazetteer.load()
    return Tagger(gazetteer, WordAnalyzer(load_stopwords(), gazetteer.protected_names()))


@pytest.fixture(scope="session")
def seed_passages() -> list[str]:
    from arsearch.indexer.corpus import read_articles

    (article,) = list(read_articles(SEEDS))
    return list(article.paragraphs)


@pytest.fixture(scope="session")
def news(tmp_path_factory):
    """The dated sample corpus (docs/news-sample) and an index of it: (corpus, index, build report)."""
    from .news import write_news

    root = tmp_path_factory.mktemp("news")
    corpus = write_news(root / "corpus")
    return corpus, root / "index", rebuild_index(corpus, root / "index")
