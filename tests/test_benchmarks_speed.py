"""The speed benchmark's method on stand-in engines: which queries the reference collector runs,
what its agreement check counts, and the memory benchmark's line through the peaks."""

import pytest

from benchmarks import memory, speed

MIX = [
    ("rare", "الاستقلال"), ("common", "الحكومة"), ("phrase", '"وزير الخارجية"'),
    ("rare", "المعاهدة"), ("common", "الرئيس"), ("phrase", '"مجلس الأمن"'),
    ("rare", "البرلمان"), ("common", "الشعب"),
]


def test_reference_sample_takes_the_first_of_every_kind_in_mix_order():
    assert speed.reference_sample(MIX, 2) == [
        ("rare", "الاستقلال"), ("common", "الحكومة"), ("phrase", '"وزير الخارجية"'),
        ("rare", "المعاهدة"), ("common", "الرئيس"), ("phrase", '"مجلس الأمن"'),
    ]
    # a kind with fewer queries than asked gives all it has; none asked, none taken
    assert [k for k, _ in speed.reference_sample(MIX, 3)].count("phrase") == 2
    assert speed.reference_sample(MIX, 0) == []


class _Engine:
    """Answers every query with the same fixed hit; records what it was asked."""

    calls: dict[str, list[str]] = {}
    answer_differs_on = ""

    def __init__(self, index_dir):
        self.name = type(self).__name__
        _Engine.calls[self.name] = []

    def search(self, query):
        _Engine.calls[self.name].append(query)
        return ["ARTICLE#1"], 1

    def close(self):
        pass


class Executor(_Engine):
    pass


class Collector(_Engine):
    def search(self, query):
        keys, total = super().search(query)
        return (["ARTICLE#2"], total) if query == _Engine.answer_differs_on else (keys, total)


class Peer(_Engine):
    pass


@pytest.fixture
def engines(monkeypatch):
    monkeypatch.setattr(speed, "SEARCHERS", {"arsearch": Executor, "arsearch-whoosh": Collector, "whoosh": Peer})
    monkeypatch.setattr(speed, "SEARCHER_INDEX", {"arsearch": "a", "arsearch-whoosh": "a", "whoosh": "w"})
    _Engine.calls = {}
    return {"a": "index-a", "w": "index-w"}


def test_the_reference_runs_only_its_sample_and_its_disagreements_are_counted(engines):
    sample = speed.reference_sample(MIX, 1)
    _Engine.answer_differs_on = "الحكومة"  # in the sample: must be reported
    warmup = [("rare", "السفارة")]
    out = speed.latencies(engines, ("arsearch", "arsearch-whoosh", "whoosh"), MIX, warmup, runs=2, reference=sample)
    measured = [q for _, q in MIX]
    assert _Engine.calls["Executor"] == ["السفارة", *measured, *measured]
    assert _Engine.calls["Peer"] == _Engine.calls["Executor"]
    assert _Engine.calls["Collector"] == ["السفارة"] + [q for _, q in sample] * 2
    assert out["disagree"] == ["الحكومة"] and out["checked"]
    # the main table has the full mix without the reference; the reference's own table, the sample
    assert set(out["overall"]) == {"arsearch", "whoosh"} and out["queries"] == len(MIX)
    ref = out["reference"]
    assert set(ref["overall"]) == {"arsearch, sample", "arsearch-whoosh"} and ref["queries"] == 3
    assert ref["overall"]["arsearch-whoosh"]["n"] == 3 and ref["overall"]["arsearch-whoosh"]["runs"] == 2
    assert {k: v["n"] for k, v in ref["by_kind"]["arsearch, sample"].items()} == {"rare": 1, "common": 1, "phrase": 1}


def test_a_disagreement_outside_the_sample_is_never_looked_for(engines):
    _Engine.answer_differs_on = "الشعب"  # not among the first query of each kind
    out = speed.latencies(engines, ("arsearch", "arsearch-whoosh"), MIX, [], runs=1,
                          reference=speed.reference_sample(MIX, 1))
    assert out["disagree"] == [] and "الشعب" not in _Engine.calls["Collector"]


def test_without_the_reference_there_is_no_sample_table(engines):
    out = speed.latencies(engines, ("arsearch", "whoosh"), MIX, [], runs=1, reference=[])
    assert "reference" not in out and not out["checked"] and "Collector" not in _Engine.calls


def test_the_line_through_the_peaks_and_where_the_peak_falls():
    intercept, slope = memory.fit([10_000, 30_000, 100_000], [400.0, 500.0, 850.0])
    assert intercept == pytest.approx(350.0) and slope == pytest.approx(0.005)
    assert memory.fit([10_000, 10_000], [400.0, 420.0]) == (410.0, 0.0)  # one size: nothing to fit
    assert memory.peak_at([(0.0, 10), (5.0, 90), (10.0, 20)]) == 0.5
    assert memory.peak_at([]) == 0.0


def test_the_memory_of_a_build_counts_its_children_and_their_heap():
    import os
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; b = b'x' * (60 * 2**20); print('ok', flush=True); "
                              "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ok"
        alone, tree = memory.tree_memory(child.pid), memory.tree_memory(os.getpid())
        assert alone["anon"] >= 60 * 2**20 and alone["rss"] >= alone["pss"] >= alone["anon"]
        assert tree["anon"] >= alone["anon"] + 1 * 2**20  # the child's heap, and this process's own
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
