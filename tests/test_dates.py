"""Dates and sources: normalised when read, indexed, filtered and sorted on both engines, shown in
every hit, and counted over time (``arsearch timeline``)."""

import csv
import io
import json

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.corpus import ReadReport, read_articles
from arsearch.indexer.dates import normalize_date
from arsearch.indexer.errors import QueryError
from arsearch.search import PassageSearcher
from arsearch.search.filters import DateRange, date_range, inline_range, parse_bound
from arsearch.search.timeline import count_timeline, search_timeline
from click.testing import CliRunner


@pytest.fixture(scope="module")
def engines(news):
    with PassageSearcher(news[1], engine="whoosh") as reference, PassageSearcher(news[1]) as fast:
        yield reference, fast


@pytest.mark.parametrize(
    "written, text, day",
    [
        pytest.param("2017-11-05", "2017-11-05", "2017-11-05", id="iso-date"),
        pytest.param("20171105", "2017-11-05", "2017-11-05", id="iso-basic"),
        pytest.param(" 2017-11-05T10:30:00Z ", "2017-11-05T10:30:00+00:00", "2017-11-05", id="utc"),
        pytest.param("2017-11-30T23:30:00+03:00", "2017-11-30T23:30:00+03:00", "2017-11-30", id="offset-keeps-local-day"),
        pytest.param("2017-11-05 10:30", "2017-11-05T10:30:00", "2017-11-05", id="space-no-offset"),
        pytest.param("Sun, 03 Dec 2017 08:00:00 +0000", "2017-12-03T08:00:00+00:00", "2017-12-03", id="rfc2822"),
        pytest.param("03 Dec 2017 08:00:00 GMT", "2017-12-03T08:00:00+00:00", "2017-12-03", id="rfc2822-no-weekday"),
        pytest.param("٢٠١٨-٠٢-١٤", "2018-02-14", "2018-02-14", id="arabic-indic-digits"),
        pytest.param("أمس", "أمس", "", id="arabic-word-kept"),
        pytest.param("05/11/2017", "05/11/2017", "", id="day-or-month-first-not-guessed"),
        pytest.param("2017-02-30", "2017-02-30", "", id="no-such-day"),
        pytest.param("", "", "", id="none"),
    ],
)
def test_dates_are_normalised_to_iso(written, text, day):
    date = normalize_date(written)
    assert (date.text, date.day) == (text, day)
    assert date.unreadable == (bool(text) and not day)


@pytest.mark.parametrize(
    "typed, first, last",
    [
        pytest.param("2017", "2017-01-01", "2017-12-31", id="year"),
        pytest.param("2017-11", "2017-11-01", "2017-11-30", id="month"),
        pytest.param("2016-2", "2016-02-01", "2016-02-29", id="leap-february"),
        pytest.param("2017-11-05", "2017-11-05", "2017-11-05", id="day"),
        pytest.param("٢٠١٧-١١", "2017-11-01", "2017-11-30", id="arabic-indic"),
    ],
)
def test_partial_dates_cover_their_period(typed, first, last):
    assert parse_bound(typed, "--since", last=False) == first
    assert parse_bound(typed, "--until", last=True) == last


@pytest.mark.parametrize("typed", ["2017-13", "2017-02-30", "نوفمبر", "17-11", "2017/11", ""])
def test_a_malformed_filter_date_says_how_to_write_one(typed):
    with pytest.raises(QueryError, match=r"is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_bound(typed, "--since", last=False)


def test_inline_ranges_and_narrowing():
    assert inline_range("2017-11..2017-12") == DateRange("2017-11-01", "2017-12-31")
    assert inline_range("2017-11..") == DateRange("2017-11-01", None)
    assert inline_range("..2017") == DateRange(None, "2017-12-31")
    assert inline_range("2017-11") == DateRange("2017-11-01", "2017-11-30")
    assert date_range("2017-06", None, ["2017"]) == DateRange("2017-06-01", "2017-12-31")
    with pytest.raises(QueryError, match="no dates"):
        inline_range("..")
    with pytest.raises(QueryError, match="leave no day"):
        date_range("2018", "2017")


def test_reading_normalises_dates_and_sources_and_counts_the_unreadable(news):
    corpus, _, build = news
    report = ReadReport()
    articles = {a.article_id: a for a in read_articles(corpus, report)}
    assert articles["bbc-1203"].date == "2017-12-03T08:00:00+00:00"
    assert articles["bbc-0214"].day == "2018-02-14"
    assert articles["rt-1130"].source == "rt arabic"
    assert articles["jz-bad"].date == "أمس" and articles["jz-bad"].day == ""
    assert report.bad_dates == ["news.jsonl:6: 'أمس'"]
    assert build.read.bad_dates == report.bad_dates


def test_role_titles_are_dated_by_the_normalised_article_date(engines):
    _, fast = engines
    inferred = {h.passage.doc_id: h.passage.inferred for h in fast.search("الصين", limit=10).hits}
    assert "medvedev" in inferred["roles-2010"] and "putin" not in inferred["roles-2010"]
    assert "putin" in inferred["roles-2015"] and "medvedev" not in inferred["roles-2015"]


def _keys(result):
    return [h.passage.key for h in result.hits]


FILTERED = [
    pytest.param("سوريا", {"since": "2017-11", "until": "2017-11"}, ["rt-1105#1", "rt-1105#2", "rt-1130#1"], id="month-inclusive"),
    pytest.param("سوريا", {"until": "2017-11-30"}, ["rt-1105#1", "rt-1105#2", "rt-1130#1"], id="until-day-inclusive"),
    pytest.param("سوريا", {"since": "2017-12-03"}, ["bbc-1203#1", "bbc-0214#1"], id="since-day-inclusive"),
    pytest.param("سوريا date:2017-12..", {}, ["bbc-1203#1", "bbc-0214#1"], id="inline-open-range"),
    pytest.param("سوريا date:2017-11..2017-12", {"since": "2017-12"}, ["bbc-1203#1"], id="inline-narrows-since"),
    pytest.param("سوريا", {"sources": ["RT  ARABIC"]}, ["rt-1105#1", "rt-1105#2", "rt-1130#1"], id="source-case-space"),
    pytest.param('سوريا source:"bbc عربي"', {}, ["bbc-1203#1", "bbc-0214#1"], id="inline-source"),
    pytest.param("سوريا", {"sources": ["الجزيرة", "bbc عربي"]}, ["bbc-1203#1", "bbc-0214#1", "jz-bad#1", "jz-none#1"], id="any-of-sources"),
    pytest.param("", {"since": "2018"}, ["bbc-0214#1"], id="filters-only"),
    pytest.param("source:الجزيرة", {}, ["jz-bad#1", "jz-none#1"], id="inline-source-only"),
]


@pytest.mark.parametrize("query, options, keys", FILTERED)
def test_date_and_source_filters_on_both_engines(engines, query, options, keys):
    for searcher in engines:
        result = searcher.search(query, limit=20, **options)
        assert sorted(_keys(result)) == sorted(keys), searcher.executor
        assert result.total == len(keys)


def test_undated_and_unreadable_dates_never_pass_a_date_filter(engines):
    for searcher in engines:
        found = {h.passage.doc_id for h in searcher.search("سوريا", since="1900", limit=50).hits}
        assert "jz-none" not in found and "jz-bad" not in found and "rt-1105" in found


@pytest.mark.parametrize(
    "sort, keys",
    [
        pytest.param("date", ["rt-1105#1", "rt-1105#2", "rt-1130#1", "bbc-1203#1", "bbc-0214#1", "jz-bad#1", "jz-none#1"], id="oldest-first"),
        pytest.param("-date", ["bbc-0214#1", "bbc-1203#1", "rt-1130#1", "rt-1105#1", "rt-1105#2", "jz-bad#1", "jz-none#1"], id="newest-first"),
    ],
)
def test_date_sorts_put_undated_last_and_ties_by_score(engines, sort, keys):
    reference, fast = engines
    results = [s.search("سوريا", sort=sort, limit=20) for s in engines]
    for result in results:
        got = _keys(result)
        # Same day (rt-1105's two passages) and undated ones: by score, so compare as sets per group.
        assert [k.split("#")[0] for k in got] == [k.split("#")[0] for k in keys]
        same_day = [h for h in result.hits if h.passage.doc_id == "rt-1105"]
        assert same_day[0].score >= same_day[1].score
    assert _keys(results[0]) == _keys(results[1])
    paged = [fast.search("سوريا", sort=sort, limit=2, offset=k) for k in range(0, 7, 2)]
    assert [key for page in paged for key in _keys(page)] == _keys(results[1])


def test_source_facets_add_up_spellings_of_one_source(engines):
    for searcher in engines:
        facets = searcher.search("سوريا", limit=0).facets
        assert facets.sources == {"RT Arabic": 3, "BBC عربي": 2, "الجزيرة": 2}


def test_an_unknown_source_names_the_known_ones(engines):
    for searcher in engines:
        with pytest.raises(QueryError, match=r"no source 'CNN' in the index; the index holds: BBC عربي, RT Arabic"):
            searcher.search("سوريا", sources=["CNN"])


@pytest.fixture
def run(news):
    def invoke(*args):
        command, *rest = args
        return CliRunner().invoke(cli, [command, "--index", str(news[1]), *rest], catch_exceptions=False)

    return invoke


def test_cli_hits_show_date_source_and_url(run):
    result = run("search", "حميميم", "--since", "2017-11", "--source", "rt arabic")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("1. بوتين يزور قاعدة حميميم — passage 1 · 2017-11-05 · RT Arabic  [rt-1105#1]")
    assert result.stdout.splitlines()[1] == "   https://arabic.rt.com/news/1"
    assert "sources: RT Arabic (1)" in result.stdout
    data = json.loads(run("search", "جنيف", "--json", "--sort", "-date").stdout)
    assert [(h["doc_id"], h["date"]) for h in data["hits"]] == [
        ("bbc-1203", "2017-12-03T08:00:00+00:00"), ("rt-1130", "2017-11-30T23:30:00+03:00"), ("jz-bad", "أمس"),
    ]
    assert data["facets"]["sources"] == {"BBC عربي": 1, "RT Arabic": 1, "الجزيرة": 1}
    lines = run("search", "حميميم", "--jsonl").stdout.splitlines()
    assert json.loads(lines[0])["url"] == "https://arabic.rt.com/news/1"


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["سوريا", "--since", "2017-13"], "Error: --since: '2017-13' is not a date", id="since"),
        pytest.param(["سوريا date:2017-11..نوفمبر"], "Error: date:2017-11..نوفمبر: 'نوفمبر' is not a date", id="inline"),
        pytest.param(["سوريا", "--source", "CNN"], "Error: no source 'CNN' in the index", id="source"),
        pytest.param(["سوريا", "--sort", "title"], "Invalid value for '--sort'", id="sort"),
    ],
)
def test_cli_bad_filters_exit_2_with_one_line(run, args, message):
    result = run("search", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_corpus_folder_of_read_only_commands_is_corpus(run, news):
    result = run("search", "سوريا", "--corpus", str(news[0]), "--source", "الجزيرة", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 2


def test_timeline_counts_per_month_with_empty_months_and_undated(engines):
    for searcher in engines:
        timeline = search_timeline(searcher, "سوريا", "month")
        rows = [(p.label, p.passages, p.articles) for p in timeline.periods]
        assert rows == [("2017-11", 3, 2), ("2017-12", 1, 1), ("2018-01", 0, 0), ("2018-02", 1, 1)]
        assert (timeline.total, timeline.undated_passages, timeline.undated_articles) == (7, 2, 2)


def test_timeline_weeks_days_years_and_split(engines):
    _, fast = engines
    weeks = search_timeline(fast, "سوريا", "week", since="2017-11", until="2017-12")
    assert [p.label for p in weeks.periods][:2] == ["2017-W44", "2017-W45"]
    assert weeks.periods[0].start == "2017-10-30" and weeks.periods[0].end == "2017-11-05"
    assert sum(p.passages for p in weeks.periods) == 4 and len(weeks.periods) == 5  # W44 … W48
    days = search_timeline(fast, "حميميم", "day")
    assert [(p.label, p.passages) for p in days.periods] == [("2017-11-05", 1)]
    years = search_timeline(fast, "بوتين", "year", split="actor")
    assert [p.label for p in years.periods] == [str(y) for y in range(2010, 2019)]
    assert years.series[0] == "putin"
    assert {p.label: p.series["putin"] for p in years.periods if p.series["putin"]} == {
        "2010": 1, "2015": 1, "2017": 2, "2018": 1,  # 2017: both passages of rt-1105 name him
    }
    assert "medvedev" in years.series
    assert next(p for p in years.periods if p.label == "2010").series["medvedev"] == 1


def test_timeline_auto_period_fits_the_bars(engines):
    _, fast = engines
    matches = fast.matching("سوريا")
    assert count_timeline(matches, "auto", most=5).by == "month"
    assert count_timeline(matches, "auto", most=20).by == "week"
    assert count_timeline(matches, "auto", most=200).by == "day"


def test_cli_timeline_text_json_csv(run):
    text = run("timeline", "سوريا", "--by", "month")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["period", "passages", "articles"]
    assert lines[1].split()[:3] == ["2017-11", "3", "2"] and lines[3].split() == ["2018-01", "0", "0"]
    assert lines[-1] == "7 passages match: 5 dated, by month; 2 without a date (in 2 articles)"
    data = json.loads(run("timeline", "سوريا", "--json", "--source", "bbc عربي").stdout)
    assert [(p["period"], p["passages"]) for p in data["periods"]] == [("2017-12", 1), ("2018-01", 0), ("2018-02", 1)]
    assert data["undated"] == {"passages": 0, "articles": 0}
    rows = list(csv.DictReader(io.StringIO(run("timeline", "سوريا", "--csv", "--split", "actor").stdout)))
    assert rows[0]["period"] == "2017-11" and rows[0]["syria"] == "3" and rows[0]["putin"] == "2"
    assert rows[-1]["period"] == "undated" and rows[-1]["passages"] == "2"
    none = run("timeline", "كوريا")
    assert none.exit_code == 1 and none.stdout.strip() == "0 passages match: 0 dated, by month"
