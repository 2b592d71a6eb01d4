"""Huge inputs: a paragraph of thousands of words becomes passages cut at sentence ends, and a file
over the size limit is skipped with a message; search, snippets and `show` stay fast on them."""

import json
import re

import pytest
from arsearch.cli.main import cli
from arsearch.indexer import settings
from arsearch.indexer.build import rebuild_index
from arsearch.indexer.corpus import ReadReport, cut_paragraph, read_articles
from arsearch.search import PassageSearcher
from click.testing import CliRunner

SENTENCE_END = re.compile(r"[.؟?!؛]$")


@pytest.fixture(scope="module")
def long_paragraph(seed_passages) -> str:
    """~6,000 words of real Arabic news sentences on one line (the seed's paragraphs, repeated)."""
    return " ".join(seed_passages * 13)


def test_a_long_paragraph_is_cut_at_sentence_ends(long_paragraph):
    limit = settings.MAX_PASSAGE_WORDS.default
    pieces = cut_paragraph(long_paragraph)
    assert len(long_paragraph.split()) > 2 * limit
    assert all(len(p.split()) <= limit for p in pieces)
    assert all(len(p.split()) > limit - 100 for p in pieces[:-1])  # packed: no seed sentence has 100 words
    assert all(SENTENCE_END.search(p) for p in pieces)  # every cut is after a sentence
    assert " ".join(pieces).split() == long_paragraph.split()  # nothing lost, nothing reordered


def test_a_sentence_too_long_is_cut_at_commas_then_between_words(seed_passages):
    clauses = [re.sub(r"[.؟?!؛]", "", p) + "،" for p in seed_passages]  # no sentence end at all
    sentence = " ".join(clauses * 3)
    pieces = cut_paragraph(sentence, max_words=120)
    assert len(pieces) > 3 and all(len(p.split()) <= 120 for p in pieces)
    assert all(p.endswith("،") for p in pieces[:-1])
    words = " ".join(["سورية"] * 1000)
    assert [len(p.split()) for p in cut_paragraph(words, max_words=300)] == [300, 300, 300, 100]
    letters = "س" * 10_000  # no space anywhere: cut by characters
    assert "".join(cut_paragraph(letters, max_words=100)) == letters
    assert max(len(p) for p in cut_paragraph(letters, max_words=100)) <= 1600


def test_a_short_paragraph_is_one_passage(seed_passages):
    assert all(cut_paragraph(p) == [p] for p in seed_passages)


@pytest.fixture(scope="module")
def huge_index(tmp_path_factory, long_paragraph):
    source = tmp_path_factory.mktemp("huge-src")
    (source / "huge.txt").write_text(long_paragraph + "\n\nفقرة قصيرة أخيرة عن جنيف.\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("huge-index")
    rebuild_index(source, index_dir)
    return index_dir


def test_passages_of_a_cut_paragraph_are_numbered_on(huge_index, long_paragraph):
    pieces = cut_paragraph(long_paragraph)
    result = CliRunner().invoke(
        cli, ["show", f"huge#{len(pieces)}", "--context", "1", "--json", "--index", str(huge_index)]
    )
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert [p["passage"] for p in shown] == [len(pieces) - 1, len(pieces), len(pieces) + 1]
    assert shown[1]["text"] == pieces[-1] and shown[2]["text"] == "فقرة قصيرة أخيرة عن جنيف."


def test_search_on_huge_passages_gives_short_marked_snippets(huge_index):
    with PassageSearcher(huge_index) as searcher:
        result = searcher.search("بوتين", limit=50)
    assert result.total == len(result.hits) >= 3
    for hit in result.hits:
        assert len(hit.snippet.text) <= 280 and hit.snippet.spans
        for s, e in hit.snippet.spans:
            assert "بوتين" in hit.snippet.text[s:e]


def test_a_file_over_the_size_limit_is_skipped_with_a_message(tmp_path, monkeypatch, seed_passages):
    monkeypatch.setenv("ARSEARCH_MAX_FILE_MB", "1")
    (tmp_path / "big.txt").write_text("\n".join(seed_passages * 400), encoding="utf-8")  # > 1 MB
    (tmp_path / "small.txt").write_text(seed_passages[0], encoding="utf-8")
    report = ReadReport()
    articles = list(read_articles(tmp_path, report))
    assert [a.article_id for a in articles] == ["small"]
    (warning,) = report.warnings
    assert warning.startswith("big.txt: ") and "ARSEARCH_MAX_FILE_MB" in warning and "skipped" in warning
