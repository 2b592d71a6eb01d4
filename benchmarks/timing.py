"""The statistics every timing table of the benchmarks prints: percentiles of one run, and the median
with its min–max spread over several runs.

Kept apart so they can be checked on tiny hand-computed cases (``tests/test_benchmarks_timing.py``):
a wrong p95 or a spread taken over the wrong thing would silently change every README figure.
"""

import statistics


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear between the two nearest ranks (numpy's default,
    ``statistics.quantiles(method="inclusive")``): p50 of [1, 2, 3, 4] is 2.5, p95 of 1..20 is 19.05."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def percentiles(seconds: list[float]) -> dict:
    """p50 and p95 of one run, in milliseconds, and how many values they are over."""
    return {"p50": percentile(seconds, 50) * 1000, "p95": percentile(seconds, 95) * 1000, "n": len(seconds)}


def spread(values: list[float]) -> dict:
    """Median and min–max of one figure over runs."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def spread_of_runs(runs: list[dict], keys=("p50", "p95")) -> dict:
    """Per key, the median and min–max over runs of that run's figure (not the percentile of all
    runs pooled: each run is one measurement, and the spread says how far runs disagree)."""
    return {key: spread([r[key] for r in runs]) for key in keys} | {"n": runs[0]["n"], "runs": len(runs)}


def fmt(s: dict, digits: int = 1, unit: str = "") -> str:
    """``median (min–max)`` as the README tables print it."""
    f = f"{{:,.{digits}f}}"
    return f"{f.format(s['median'])}{unit} ({f.format(s['min'])}–{f.format(s['max'])})"


def ratio(a: dict, b: dict) -> dict:
    """``a / b`` for two spreads measured in the same runs: the median of the per-run ratios is not
    available once runs are summarised, so the medians' ratio, with the extreme pairings as spread."""
    return {"median": a["median"] / b["median"], "min": a["min"] / b["max"], "max": a["max"] / b["min"],
            "runs": a["runs"]}
