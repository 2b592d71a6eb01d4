"""Load test of `arsearch serve` on loopback: concurrent clients, a mix of Arabic queries, while
`arsearch index` keeps adding articles to the corpus the page reads.

Each run starts from a fresh copy of the corpus and of its index, starts the real command
(``python -m arsearch serve --port 0``, waitress), and then, for ``--seconds``: ``--clients`` threads, each
on its own keep-alive connection, send the query mix (page and JSON endpoint, paging, phrases, prefixes,
fuzzy words, OR/NOT, filters, misspellings, words found nowhere) as fast as they get answers; meanwhile a
loop adds a file of new articles and runs ``arsearch index``, so the page keeps reopening its searcher.
Everything is bounded: the deadline, a request cap per client, a timeout per request; the server is
stopped at the end of each run. It only ever connects to 127.0.0.1.

Reported per run and as medians with min–max over the runs: requests/s, latency p50/p95/p99, errors (any
answer but 200, or no answer), the server's resident memory before and after the load (and its peak),
how many ``index`` runs finished during the load, and whether the articles they added are found. The
peer, on the same server in the same run just before the load: one client alone, no indexing (for a third
of the time); the load's requests/s and p50 are also given as ratios to it. The machine's load average is
printed too: on a shared machine it says how much CPU the run really had.

    python -m benchmarks.load                                      # 20 clients × 30 s, 3 runs, 10k corpus
    python -m benchmarks.load --size seeds --clients 4 --seconds 5 --runs 1   # a quick check
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.corpus import CACHE, build_corpus
from benchmarks.speed import _tree_rss

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: Bounds: no client sends more than this many requests, no request waits longer than this (a queue of
#: 20 clients on two cores can take seconds; a timeout here would count impatience as a server error).
MAX_REQUESTS_PER_CLIENT = 50_000
REQUEST_TIMEOUT = 60.0
#: Seconds the server may take to start (first use never builds: the index is made beforehand).
START_TIMEOUT = 60.0
#: Articles added to the corpus before each `arsearch index` run during the load.
ARTICLES_PER_UPDATE = 5
#: The mix: (path, parameters). Generic news and religious-text vocabulary of the corpora, every kind of
#: query the page takes; the same list for every run.
QUERIES = [
    ("/", {"q": "الله"}),
    ("/", {"q": "الصلاة"}),
    ("/", {"q": "رسول الله"}),
    ("/", {"q": '"يوم القيامة"'}),
    ("/", {"q": "الأرض والسماء"}),
    ("/", {"q": "موسى OR عيسى"}),
    ("/", {"q": "الماء -البحر"}),
    ("/", {"q": "صلا*"}),
    ("/", {"q": "الصلاه~"}),
    ("/", {"q": "المدينة", "page": "2"}),
    ("/", {"q": "الحكومة"}),
    ("/", {"q": "الرئيس", "topic": "syria"}),
    ("/", {"q": "بوتن"}),
    ("/", {"q": "زيلينسكي"}),
    ("/api/search", {"q": "الناس", "limit": "20"}),
    ("/api/search", {"q": "قال", "explain": "1"}),
    ("/api/search", {"q": "النبي صلى الله عليه وسلم"}),
    ("/", {}),
]
#: A query whose total must grow as `arsearch index` adds copies of articles.
GROWING_QUERY = "الله"


def _paths() -> list[str]:
    return [path + ("?" + urlencode(params) if params else "") for path, params in QUERIES]


def _corpus(size: str) -> Path:
    return ROOT / "seeds" if size == "seeds" else build_corpus(size)


def _arsearch(*args: str) -> list[str]:
    return [sys.executable, "-m", "arsearch", *args]


def prepare(size: str, work: Path) -> tuple[Path, Path]:
    """The pristine corpus copy and its index, built once per invocation."""
    shutil.rmtree(work, ignore_errors=True)
    corpus, index = work / "pristine-corpus", work / "pristine-index"
    shutil.copytree(_corpus(size), corpus, ignore=shutil.ignore_patterns("DONE"))
    subprocess.run(_arsearch("rebuild", "--source", str(corpus), "--index", str(index)), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    return corpus, index


def start_server(index: Path, threads: int, work: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        _arsearch("serve", "--index", str(index), "--host", HOST, "--port", "0", "--threads", str(threads)),
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, encoding="utf-8", cwd=work,
    )
    deadline = time.monotonic() + START_TIMEOUT
    for line in proc.stderr:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain waitress's warnings
            return proc, found.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit(f"arsearch serve did not start: {proc.stderr.read()[-500:]}")


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def total_of(port: str, query: str) -> int:
    conn = http.client.HTTPConnection(HOST, int(port), timeout=REQUEST_TIMEOUT)
    try:
        status, body = get(conn, "/api/search?" + urlencode({"q": query}))
        return json.loads(body)["total"] if status == 200 else -1
    finally:
        conn.close()


def warm_up(port: str) -> None:
    """Each query of the mix once, unmeasured: one-off work (opening segments, the did-you-mean
    vocabulary) is not what a long-running server spends its time on."""
    conn = http.client.HTTPConnection(HOST, int(port), timeout=START_TIMEOUT)
    try:
        for path in _paths():
            get(conn, path)
    finally:
        conn.close()


def client(port: str, paths: list[str], first: int, deadline: float, out: dict) -> None:
    """One user on one keep-alive connection: the mix from its own starting point, until the deadline."""
    conn = http.client.HTTPConnection(HOST, int(port), timeout=REQUEST_TIMEOUT)
    latencies, errors = [], {}
    try:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            path = paths[(first + n) % len(paths)]
            start = time.perf_counter()
            try:
                status, _ = get(conn, path)
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
                conn.close()
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1
    finally:
        conn.close()
    out["latencies"], out["errors"] = latencies, errors


def add_articles(corpus: Path, n: int) -> None:
    """Copies of the corpus's first articles under new ids: a .jsonl of its first lines, or a .txt copy."""
    first = min(corpus.rglob("*.jsonl"), default=None)
    if first is None:
        shutil.copy(min(corpus.rglob("*.txt")), corpus / f"zz-load-{n:04d}.txt")
        return
    lines = first.read_text("utf-8").splitlines()[:ARTICLES_PER_UPDATE]
    added = [{**json.loads(line), "id": f"load-{n}-{i}"} for i, line in enumerate(lines)]
    (corpus / f"zz-load-{n:04d}.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in added), "utf-8")


def index_loop(corpus: Path, index: Path, deadline: float, work: Path, out: dict) -> None:
    """Add articles and run `arsearch index`, again and again until the deadline."""
    runs = []
    while time.monotonic() < deadline:
        add_articles(corpus, len(runs) + 1)
        start = time.perf_counter()
        done = subprocess.run(_arsearch("index", "--source", str(corpus), "--index", str(index)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=work,
                              timeout=max(1.0, deadline - time.monotonic()) + 120)
        runs.append({"seconds": time.perf_counter() - start, "code": done.returncode,
                     "error": done.stderr.strip().splitlines()[-1:] if done.returncode else []})
    out["runs"] = runs


def load(port: str, server_pid: int, clients: int, seconds: float, during=None) -> dict:
    """``clients`` users for ``seconds`` (and ``during(deadline)`` in a thread beside them): latencies,
    errors, and the server's resident memory before, at its peak and after."""
    paths = _paths()
    rss_before = peak = _tree_rss(server_pid)
    deadline = time.monotonic() + seconds
    results = [{} for _ in range(clients)]
    workers = [threading.Thread(target=client, args=(port, paths, i * 7, deadline, results[i])) for i in range(clients)]
    side = threading.Thread(target=during, args=(deadline,)) if during else None
    started = time.perf_counter()
    for w in [*workers, *([side] if side else [])]:
        w.start()
    while any(w.is_alive() for w in workers):
        peak = max(peak, _tree_rss(server_pid))
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    if side:
        side.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    errors: dict[str, int] = {}
    for r in results:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies), "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000,
        "errors": sum(errors.values()), "errors_by_kind": errors,
        "rss_before_mb": rss_before / 2**20, "rss_after_mb": _tree_rss(server_pid) / 2**20,
        "rss_peak_mb": max(peak, _tree_rss(server_pid)) / 2**20,
    }


def one_run(pristine: tuple[Path, Path], clients: int, seconds: float, threads: int, work: Path) -> dict:
    """The peer first (one client, no indexing, a third of the time), then the load, on one server."""
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    corpus, index = run_dir / "corpus", run_dir / "index"
    shutil.copytree(pristine[0], corpus)
    shutil.copytree(pristine[1], index)
    server, port = start_server(index, threads, run_dir)
    indexing: dict = {}
    try:
        total_before = total_of(port, GROWING_QUERY)
        warm_up(port)
        alone = load(port, server.pid, 1, max(1.0, seconds / 3))
        row = load(port, server.pid, clients, seconds,
                   during=lambda deadline: index_loop(corpus, index, deadline, run_dir, indexing))
        total_after = total_of(port, GROWING_QUERY)
    finally:
        # SIGTERM, not SIGINT: a process started in the background may have SIGINT ignored.
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    runs = indexing["runs"]
    row.update({
        "alone_rps": alone["rps"], "alone_p50_ms": alone["p50_ms"], "alone_p95_ms": alone["p95_ms"],
        "rps_ratio": row["rps"] / alone["rps"], "p50_ratio": row["p50_ms"] / alone["p50_ms"],
        "index_runs": len(runs), "index_failed": [r for r in runs if r["code"]],
        "index_median_s": statistics.median(r["seconds"] for r in runs) if runs else 0.0,
        "growing_total": [total_before, total_after], "loadavg": os.getloadavg()[0],
    })
    return row


FIELDS = [("alone_rps", "1 client alone: requests/s", "{:.2f}"), ("alone_p50_ms", "1 client alone: p50 ms", "{:.0f}"),
          ("alone_p95_ms", "1 client alone: p95 ms", "{:.0f}"),
          ("rps", "requests/s", "{:.2f}"), ("rps_ratio", "requests/s ÷ alone", "{:.2f}"),
          ("p50_ratio", "p50 ÷ alone", "{:.1f}"), ("p50_ms", "p50 ms", "{:.0f}"), ("p95_ms", "p95 ms", "{:.0f}"),
          ("p99_ms", "p99 ms", "{:.0f}"), ("errors", "errors", "{:.0f}"), ("requests", "requests", "{:.0f}"),
          ("rss_before_mb", "RSS before MB", "{:.0f}"), ("rss_after_mb", "RSS after MB", "{:.0f}"),
          ("rss_peak_mb", "RSS peak MB", "{:.0f}"), ("index_runs", "index runs", "{:.0f}"),
          ("index_median_s", "index run s", "{:.1f}"), ("loadavg", "machine load (1 min)", "{:.1f}")]


def summary(rows: list[dict]) -> str:
    out = ["| | median | min–max |", "|---|---:|---:|"]
    for key, label, fmt in FIELDS:
        values = [r[key] for r in rows]
        out.append(f"| {label} | {fmt.format(statistics.median(values))} | "
                   f"{fmt.format(min(values))}–{fmt.format(max(values))} |")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k", help="corpus: 10k, 100k (benchmarks/corpus.py) or seeds")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4, help="the server's worker threads (arsearch serve --threads)")
    args = ap.parse_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.seconds <= 600 and 1 <= args.runs <= 10):
        ap.error("keep it bounded: 1–200 clients, 1–600 seconds, 1–10 runs")
    work = CACHE / "load"
    print(f"preparing the {args.size} corpus and its index …", file=sys.stderr)
    pristine = prepare(args.size, work)
    rows = []
    for n in range(args.runs):
        print(f"run {n + 1}/{args.runs}: {args.clients} clients × {args.seconds:g} s, {args.threads} server threads …",
              file=sys.stderr)
        row = one_run(pristine, args.clients, args.seconds, args.threads, work)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    print(f"\n{args.size}, {args.clients} clients × {args.seconds:g} s, {args.threads} threads, {args.runs} runs, "
          f"`arsearch index` adding {ARTICLES_PER_UPDATE} articles in a loop:\n")
    print(summary(rows))
    shutil.rmtree(work / "run", ignore_errors=True)


if __name__ == "__main__":
    main()
