"""The relevance evaluation's metrics on tiny hand-computed cases, and its judged query files' shape."""

import math

import pytest

from benchmarks import metrics
from benchmarks.evaluate import KINDS, QUERIES, read_queries


def test_ndcg_perfect_and_shifted():
    assert metrics.ndcg_at_k(["a", "b"], {"a", "b"}) == 1.0
    # One relevant passage at rank 2 of 1 relevant: 1/log2(3).
    assert metrics.ndcg_at_k(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))
    # Two relevant, one found at rank 1: 1 / (1 + 1/log2(3)).
    assert metrics.ndcg_at_k(["a", "x"], {"a", "b"}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_ndcg_counts_only_the_top_k():
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert metrics.ndcg_at_k(ranked, {"a"}) == 0.0


def test_must_be_empty_queries_score_silence():
    assert metrics.ndcg_at_k([], set()) == 1.0
    assert metrics.ndcg_at_k(["x"], set()) == 0.0
    assert metrics.precision_at_1([], set()) == 1.0


def test_mrr_recall_and_p_at_1():
    assert metrics.mrr_at_k(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert metrics.mrr_at_k(["x"], {"a"}) == 0.0
    # Recall is over min(|relevant|, 10): twelve relevant, ten found = 1.0.
    relevant = {f"r{i}" for i in range(12)}
    assert metrics.recall_at_k(sorted(relevant)[:10], relevant) == 1.0
    assert metrics.recall_at_k(["a", "x"], {"a", "b"}) == 0.5
    assert metrics.precision_at_1(["a", "x"], {"a"}) == 1.0
    assert metrics.precision_at_1(["x", "a"], {"a"}) == 0.0


@pytest.mark.parametrize("name", ["seed.tsv", "tafsir.tsv"])
def test_query_files_are_well_formed(name):
    queries = read_queries(QUERIES / name)
    assert len({q.ident for q in queries}) == len(queries)
    assert {q.kind for q in queries} <= set(KINDS)
    assert all(q.query.strip() for q in queries)
