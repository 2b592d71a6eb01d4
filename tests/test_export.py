"""Exports and counting: --csv/--tsv read back equal the JSON, --count, --articles, --all, and the
same CSV and paging on /api/search."""

import csv
import io
import json
import shutil

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.build import rebuild_index
from arsearch.search import PassageSearcher
from arsearch.search.budget import QueryTimeoutError
from arsearch.search.export import BOM, HIT_COLUMNS, MULTI_SEPARATOR, search_all, table
from arsearch.web import create_app
from click.testing import CliRunner

from .conftest import SEED_ID, SEEDS

#: Two wire stories in a subfolder, dated, with a source and a URL; one paragraph holds a tab.
WIRE = [
    {
        "id": "world/tass-1", "title": "لافروف يبحث مع تيلرسون الأزمة في سورية", "source": "تاس",
        "date": "2017-11-20", "url": "https://tass.example/ar/1",
        "text": "بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي ريكس تيلرسون التسوية في سورية.\n"
                "وقال لافروف\tإن موسكو تدعم محادثات جنيف حول سوريا.",
    },
    {
        "id": "world/sana-7", "title": "دمشق ترحب بمحادثات جنيف", "source": "سانا", "date": "2017-12-02",
        "url": "https://sana.example/7",
        "text": "رحبت دمشق باستئناف محادثات جنيف حول سورية برعاية الأمم المتحدة.",
    },
]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory):
    source = tmp_path_factory.mktemp("corpus")
    shutil.copy(SEEDS / f"{SEED_ID}.txt", source)
    (source / "world").mkdir()
    (source / "world" / "wire.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in WIRE) + "\n", "utf-8"
    )
    index_dir = tmp_path_factory.mktemp("index")
    rebuild_index(source, index_dir)
    return index_dir


def run(index_dir, *args, code=0):
    result = CliRunner().invoke(cli, ["search", "--index", str(index_dir), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def cli_json(index_dir, *args) -> dict:
    return json.loads(run(index_dir, "--json", *args).stdout)


def read_table(text: str, kind: str = "csv") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), dialect=csv.excel_tab if kind == "tsv" else csv.excel))


@pytest.mark.parametrize("kind", ["csv", "tsv"])
def test_table_read_back_is_the_json(corpus_index, kind):
    rows = read_table(run(corpus_index, "سوريا", "--limit", "20", f"--{kind}").stdout, kind)
    hits = cli_json(corpus_index, "سوريا", "--limit", "20")["hits"]
    assert len(rows) == len(hits) == 13  # the seed's 10 passages and the wire's 3
    assert list(rows[0]) == list(HIT_COLUMNS)
    for row, hit in zip(rows, hits, strict=True):
        assert int(row["rank"]) == hit["rank"] and float(row["score"]) == pytest.approx(hit["score"])
        for column in ("key", "title", "source", "text", "snippet"):
            assert row[column] == hit[column], column
        for column in ("actors", "actors_inferred", "topics"):
            assert (row[column].split(MULTI_SEPARATOR) if row[column] else []) == hit[column], column
        assert "[" in row["snippet"]  # marked with the plain markers


def test_table_has_date_source_and_url(corpus_index):
    rows = {r["key"]: r for r in read_table(run(corpus_index, "لافروف", "--csv").stdout)}
    assert rows["world/tass-1#1"]["date"] == "2017-11-20"
    assert rows["world/tass-1#1"]["source"] == "تاس"
    assert rows["world/tass-1#1"]["url"] == "https://tass.example/ar/1"
    assert rows[f"{SEED_ID}#8"]["source"] == "صحيفة تشرين" and rows[f"{SEED_ID}#8"]["date"] == ""


def test_tsv_keeps_tabs_and_line_breaks_inside_a_cell(corpus_index):
    text = run(corpus_index, "موسكو", "--tsv").stdout
    row = next(r for r in read_table(text, "tsv") if r["key"] == "world/tass-1#2")
    assert row["text"] == "وقال لافروف\tإن موسكو تدعم محادثات جنيف حول سوريا."
    assert len(text.splitlines()[0].split("\t")) == len(HIT_COLUMNS)
    # Line breaks too (no corpus passage holds one: paragraphs are split on them).
    cell = "سطر أول\nسطر\tثان \"مقتبس\""
    assert read_table(table([{"text": cell}], ("text",), "tsv"), "tsv") == [{"text": cell}]
    assert read_table(table([{"text": cell}], ("text",), "csv")) == [{"text": cell}]


def test_bom_only_when_asked(corpus_index):
    plain = run(corpus_index, "سوريا", "--csv").stdout
    with_bom = run(corpus_index, "سوريا", "--csv", "--bom").stdout
    assert not plain.startswith(BOM) and with_bom == BOM + plain
    assert with_bom.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_no_match_is_a_header_and_exit_1(corpus_index):
    result = run(corpus_index, "أوكرانيا", "--actor", "sana", "--csv", code=1)
    assert result.stdout.strip() == ",".join(HIT_COLUMNS)


@pytest.mark.parametrize("query", ["سوريا", "جنيف", "لافروف OR زاخاروفا", "ماكرن~"])
def test_count_is_the_json_total(corpus_index, query):
    result = run(corpus_index, query, "--count")
    assert result.stdout == f"{cli_json(corpus_index, query)['total']}\n"


def test_count_of_nothing_is_0_and_exit_1(corpus_index):
    assert run(corpus_index, "كمبيوتر", "--count", code=1).stdout == "0\n"


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--count", "--json"], "--count prints only the number", id="count-json"),
        pytest.param(["--csv", "--tsv"], "--csv and --tsv cannot be used together", id="csv-tsv"),
        pytest.param(["--csv", "--json"], "--json and --csv cannot be used together", id="csv-json"),
        pytest.param(["--bom"], "--bom goes with --csv or --tsv", id="bom-alone"),
    ],
)
def test_export_options_that_do_not_go_together(corpus_index, args, message):
    result = run(corpus_index, "سوريا", *args, code=2)
    assert message in result.stderr and "Traceback" not in result.output


def test_all_reads_every_hit_page_by_page(corpus_index, monkeypatch):
    one_page = cli_json(corpus_index, "سوريا", "--limit", "100")
    monkeypatch.setenv("ARSEARCH_MAX_PAGE_HITS", "5")  # 13 hits: three pages of 5, 5 and 3
    assert len(cli_json(corpus_index, "سوريا", "--limit", "100")["hits"]) == 5  # one page is capped
    every = cli_json(corpus_index, "سوريا", "--all")
    assert every["total"] == 13
    assert [(h["rank"], h["key"]) for h in every["hits"]] == [(h["rank"], h["key"]) for h in one_page["hits"]]
    rows = read_table(run(corpus_index, "سوريا", "--all", "--csv").stdout)
    assert [r["key"] for r in rows] == [h["key"] for h in one_page["hits"]]
    skipped = cli_json(corpus_index, "سوريا", "--all", "--offset", "7")["hits"]
    assert [h["key"] for h in skipped] == [h["key"] for h in one_page["hits"][7:]]


def test_all_stops_at_the_query_deadline(corpus_index, monkeypatch):
    monkeypatch.setenv("ARSEARCH_QUERY_DEADLINE", "0.000001")
    with PassageSearcher(corpus_index, preload=False) as searcher:
        with pytest.raises(QueryTimeoutError, match="ARSEARCH_QUERY_DEADLINE"):
            search_all(searcher, "سوريا")


def test_articles_one_line_each_with_its_best_passage_and_count(corpus_index):
    every = cli_json(corpus_index, "جنيف", "--all")["hits"]
    data = cli_json(corpus_index, "جنيف", "--articles")
    counts: dict[str, int] = {}
    for hit in every:
        counts[hit["doc_id"]] = counts.get(hit["doc_id"], 0) + 1
    assert data["total"] == len(every) and data["articles_total"] == len(counts) == 3
    assert [a["doc_id"] for a in data["articles"]] == list(counts)  # by their best passage's rank
    for article in data["articles"]:
        assert article["passages"] == counts[article["doc_id"]]
        assert article["best_key"] == next(h["key"] for h in every if h["doc_id"] == article["doc_id"])
    sana = next(a for a in data["articles"] if a["doc_id"] == "world/sana-7")
    assert (sana["date"], sana["source"], sana["url"]) == ("2017-12-02", "سانا", "https://sana.example/7")

    lines = run(corpus_index, "جنيف", "--articles").stdout.splitlines()
    assert lines[-1] == f"3 articles, {len(every)} matching passages"
    key, n, title = lines[0].split("\t")
    assert (key, int(n)) == (data["articles"][0]["best_key"], data["articles"][0]["passages"])
    rows = read_table(run(corpus_index, "جنيف", "--articles", "--csv").stdout)
    assert [(r["doc_id"], int(r["passages"]), r["best_key"]) for r in rows] == [
        (a["doc_id"], a["passages"], a["best_key"]) for a in data["articles"]
    ]


# --- the same on /api/search --------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app(corpus_index).test_client()


def test_api_csv_is_the_cli_csv(client, corpus_index):
    response = client.get("/api/search?q=سوريا&limit=4&page=2&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.get_data(as_text=True) == run(corpus_index, "سوريا", "--limit", "4", "--offset", "4", "--csv").stdout
    assert client.get("/api/search?q=سوريا&format=csv&bom=1").get_data(as_text=True).startswith(BOM)
    assert client.get("/api/search?q=سوريا&format=xml").status_code == 400


def test_api_paging_walks_every_hit_once(client, corpus_index):
    url, keys, pages = "/api/search?q=سوريا&limit=5", [], 0
    while url:
        data = client.get(url).get_json()
        assert data["total"] == 13 and data["limit"] == 5 and data["offset"] == pages * 5
        page_keys = [h["key"] for h in data["hits"]]
        if pages == 0:
            assert data["prev"] is None
        else:  # back one page: the page before
            assert [h["key"] for h in client.get(data["prev"]).get_json()["hits"]] == keys[-5:]
        keys += page_keys
        url, pages = data["next"], pages + 1
    assert pages == 3
    assert keys == [h["key"] for h in cli_json(corpus_index, "سوريا", "--limit", "100")["hits"]]
    assert len(set(keys)) == 13


def test_the_page_links_its_csv(client):
    html = client.get("/?q=سوريا&limit=5&page=2").get_data(as_text=True)
    assert 'class="csv" href="/api/search?format=csv&amp;q=' in html
    assert "limit=5" in html.split('class="csv"')[1].split(">")[0]
