"""The benchmarks' timing statistics on tiny hand-computed cases."""

import pytest

from benchmarks import timing


def test_percentile_interpolates_between_ranks():
    assert timing.percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert timing.percentile([float(v) for v in range(1, 21)], 95) == pytest.approx(19.05)
    assert timing.percentile([7.0], 95) == 7.0
    assert timing.percentile([1.0, 2.0], 100) == 2.0 and timing.percentile([1.0, 2.0], 0) == 1.0
    with pytest.raises(ValueError):
        timing.percentile([], 50)


def test_percentiles_are_in_milliseconds():
    one_run = timing.percentiles([0.001, 0.002, 0.003, 0.004, 0.100])
    assert one_run == {"p50": pytest.approx(3.0), "p95": pytest.approx(80.8), "n": 5}


def test_spread_is_over_runs_not_pooled():
    runs = [{"p50": 10.0, "p95": 30.0, "n": 50}, {"p50": 12.0, "p95": 90.0, "n": 50}, {"p50": 11.0, "p95": 40.0, "n": 50}]
    s = timing.spread_of_runs(runs)
    assert s["p50"] == {"median": 11.0, "min": 10.0, "max": 12.0, "runs": 3}
    assert s["p95"]["median"] == 40.0 and s["n"] == 50 and s["runs"] == 3
    assert timing.fmt(s["p95"]) == "40.0 (30.0–90.0)"
    assert timing.fmt(timing.spread([1234.5, 1000.0, 2000.0]), 0, " s") == "1,234 s (1,000–2,000)"


def test_ratio_spreads_take_the_extreme_pairings():
    r = timing.ratio(timing.spread([2.0, 3.0, 4.0]), timing.spread([1.0, 2.0, 4.0]))
    assert r["median"] == 1.5 and r["min"] == 0.5 and r["max"] == 4.0
