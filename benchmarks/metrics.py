"""Ranking metrics over binary judgments, as the relevance evaluation reports them.

Kept apart from the evaluation so they can be checked on tiny hand-computed cases (see
``tests/test_benchmarks_metrics.py``). Judgments are binary: a passage is relevant or not.
"""

import math

K = 10


def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: list[str], relevant: set[str], k: int = K) -> float:
    """nDCG@k; a query with nothing relevant scores 1.0 when nothing comes back, else 0.0."""
    if not relevant:
        return 1.0 if not ranked else 0.0
    gains = [1.0 if key in relevant else 0.0 for key in ranked[:k]]
    ideal = dcg([1.0] * min(len(relevant), k))
    return dcg(gains) / ideal


def mrr_at_k(ranked: list[str], relevant: set[str], k: int = K) -> float:
    for i, key in enumerate(ranked[:k]):
        if key in relevant:
            return 1.0 / (i + 1)
    return 0.0


def recall_at_k(ranked: list[str], relevant: set[str], k: int = K) -> float:
    """Relevant passages in the top k, over min(|relevant|, k): a perfect top k scores 1.0."""
    if not relevant:
        return 1.0 if not ranked else 0.0
    found = len(set(ranked[:k]) & relevant)
    return found / min(len(relevant), k)


def precision_at_1(ranked: list[str], relevant: set[str]) -> float:
    if not relevant:
        return 1.0 if not ranked else 0.0
    return 1.0 if ranked and ranked[0] in relevant else 0.0
