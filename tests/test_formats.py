"""Real inputs: HTML pages, RSS/Atom feeds, CSV/TSV and JSON exports, .gz files, legacy encodings
and the .txt header block, each read from a file shaped like the ones analysts have."""

import gzip
import json
import re
import shutil
import subprocess

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.corpus import ReadReport, read_articles
from arsearch.indexer.errors import ColumnsError
from arsearch.indexer.formats.columns import parse_columns
from click.testing import CliRunner

from .conftest import DATA

FORMATS = DATA / "formats"

#: A real-length news paragraph pair (charset detection needs more than a headline to decide).
LEGACY_TEXT = (
    "قال وزير الخارجية الروسي سيرغي لافروف إن موسكو مستعدة للحوار مع واشنطن بشأن الأزمة السورية، "
    "مضيفا أن الحل السياسي هو الطريق الوحيد لإنهاء الحرب.\n\n"
    "وأكد أن بلاده ستواصل دعم المفاوضات في جنيف برعاية الأمم المتحدة، وأن مؤتمر سوتشي لا يشكل بديلا عنها."
)


def _read(folder, columns=None):
    report = ReadReport()
    articles = {a.article_id: a for a in read_articles(folder, report, columns=columns)}
    return articles, report


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(FORMATS / name, tmp_path / name)
    return tmp_path


# --- HTML ---------------------------------------------------------------------------------------


def test_html_page_gives_the_article_without_menu_related_links_comments_or_footer(tmp_path):
    articles, report = _read(_copy(tmp_path, "article.html"))
    (article,) = articles.values()
    assert article.article_id == "article"
    assert article.title == "لافروف: الحل السياسي في سورية يمر عبر جنيف"
    assert (article.source, article.date, article.author) == ("أخبار الشرق", "2017-11-23", "سامر الحلبي")
    assert article.url == "https://akhbar-alsharq.example/politics/2017/11/lavrov-geneva"
    # Four <p> of the article body, four passages in reading order; the heading is the title, not a passage.
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("أكد وزير الخارجية الروسي سيرغي لافروف")
    assert article.paragraphs[3].startswith("من جهته، أعرب لودريان")
    page_text = " ".join(article.paragraphs)
    for chrome in ("الرئيسية", "عاجل", "اقرأ أيضا", "أبو خالد", "نتمنى السلام", "جميع الحقوق", "سياسة الخصوصية", "واتساب"):
        assert chrome not in page_text, chrome
    assert report.formats == {"HTML": [1, 1]}


# --- feeds --------------------------------------------------------------------------------------


def test_rss_entries_are_articles_with_date_link_and_the_feed_title_as_source(tmp_path):
    articles, report = _read(_copy(tmp_path, "feed.rss"))
    assert sorted(articles) == ["feed:1", "feed:2"]
    putin, macron = articles["feed:1"], articles["feed:2"]
    assert putin.title == "بوتين يستقبل الأسد في سوتشي"
    assert putin.date == "2017-11-21T10:30:00+03:00"  # RFC 822 in the feed, ISO here, its offset kept
    assert putin.url == "https://wakala.example/politics/2017/11/21/putin-assad-sochi"
    assert putin.source == macron.source == "وكالة الأنباء العربية - سياسة"
    assert putin.author == "قسم الأخبار"
    # content:encoded (two paragraphs) wins over the one-line description; its markup is gone.
    assert len(putin.paragraphs) == 2 and "العمليات العسكرية الكبرى" in putin.paragraphs[1]
    assert not any("<" in p or "ad.png" in p for p in putin.paragraphs)
    assert macron.paragraphs[0].startswith("دعا الرئيس الفرنسي إيمانويل ماكرون")
    assert report.warnings == ["feed.rss:3: no text, entry skipped"]
    assert report.formats == {"RSS/Atom": [1, 2]}


def test_atom_feed_in_an_xml_file_is_recognised_by_its_content(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')
    articles, report = _read(_copy(tmp_path, "atom.xml"))
    assert sorted(articles) == ["atom:1", "atom:2"]
    erdogan, asean = articles["atom:1"], articles["atom:2"]
    assert erdogan.date == "2017-11-22T11:40:00+03:00"  # published, not updated
    assert asean.date == "2017-11-15T08:00:00+00:00"  # only updated: that one
    assert erdogan.url == "https://mashreq-blog.example/2017/11/erdogan-rouhani"
    assert erdogan.source == "مدونة الشرق الأوسط" and erdogan.author == "ليلى منصور"
    assert erdogan.paragraphs == (
        "بحث الرئيس التركي رجب طيب أردوغان مع نظيره الإيراني حسن روحاني في اتصال هاتفي الأزمة السورية والتحضيرات لقمة سوتشي الثلاثية.",
        "وأكد الرئيسان أهمية الحفاظ على وحدة الأراضي السورية.",
    )
    assert "قمة رابطة دول جنوب شرق آسيا" in asean.paragraphs[0]  # the summary, when there is no content
    assert report.skipped == ["sitemap.xml"]


# --- tables and JSON ----------------------------------------------------------------------------


def test_csv_export_by_the_usual_column_names(tmp_path):
    articles, report = _read(_copy(tmp_path, "export.csv"))
    assert sorted(articles) == ["export:1", "export:2"]
    sanctions, league = articles["export:1"], articles["export:2"]
    assert sanctions.title == "واشنطن تفرض عقوبات جديدة على كوريا الشمالية"
    assert sanctions.paragraphs[1].startswith("وقال وزير الخزانة ستيفن منوتشين")  # a cell's blank line parts paragraphs
    assert (sanctions.date, sanctions.source) == ("2017-11-21T16:00:00+00:00", "الخليج اليوم")
    assert sanctions.url == "https://khaleej-today.example/world/nk-sanctions"
    assert league.date == "19/11/2017"  # day or month first? kept as written
    assert report.warnings == ['export.csv:3: no "body" string, row skipped']


def test_column_mapping_names_other_columns_and_a_wrong_one_names_the_columns_there(tmp_path):
    (tmp_path / "wire.tsv").write_text(
        "nass\tunwan\ttarikh\n"
        "التقى وزير الخارجية الأمريكي ريكس تيلرسون نظيره الروسي في فيينا.\tتيلرسون ولافروف في فيينا\t2017-12-07\n",
        encoding="utf-8",
    )
    mapping = parse_columns("text=nass,title=unwan,date=tarikh")
    articles, _ = _read(tmp_path, mapping)
    (article,) = articles.values()
    assert (article.title, article.date) == ("تيلرسون ولافروف في فيينا", "2017-12-07")
    assert article.paragraphs[0].startswith("التقى وزير الخارجية الأمريكي")
    with pytest.raises(ColumnsError, match=r"wire.tsv has no column 'matn' \(--columns text=matn\); its columns are: nass, unwan, tarikh"):
        _read(tmp_path, parse_columns("text=matn"))
    with pytest.raises(ValueError, match="'body' is not a part of an article"):
        parse_columns("body=text")


def test_news_api_document_json_array_and_jsonl_with_body(tmp_path):
    _copy(tmp_path, "newsapi.json")
    records = [{"headline": "قمة سوتشي الثلاثية", "content": "اجتمع رؤساء روسيا وتركيا وإيران في سوتشي.", "id": "s-1"}]
    (tmp_path / "array.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "wire.jsonl").write_text(
        json.dumps({"body": "أعلن الكرملين عن اتصال هاتفي بين بوتين وترامب.", "pubDate": "Thu, 14 Dec 2017 20:00:00 +0000"}, ensure_ascii=False),
        encoding="utf-8",
    )
    articles, report = _read(tmp_path)
    assert sorted(articles) == ["newsapi:1", "newsapi:2", "s-1", "wire:1"]
    riyadh = articles["newsapi:1"]
    assert (riyadh.source, riyadh.author, riyadh.date) == ("صحيفة الرياض", "محمد العتيبي", "2017-11-19T07:25:00+00:00")
    assert riyadh.title == "ولي العهد السعودي يستقبل وزير الخارجية البريطاني"
    assert articles["s-1"].title == "قمة سوتشي الثلاثية"
    assert articles["wire:1"].date == "2017-12-14T20:00:00+00:00"
    assert report.formats == {"JSON": [2, 3], "JSON Lines": [1, 1]}


# --- .gz and size ---------------------------------------------------------------------------------


def test_gzipped_files_read_as_their_inner_kind(tmp_path):
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    plain.mkdir()
    packed.mkdir()
    plain, _ = _read(_copy(plain, "export.csv", "article.html"))
    for name in ("export.csv", "article.html"):
        (packed / f"{name}.gz").write_bytes(gzip.compress((FORMATS / name).read_bytes()))
    (packed / "backup.tar.gz").write_bytes(gzip.compress(b"not a corpus file"))
    articles, report = _read(packed)
    assert {k: a.paragraphs for k, a in articles.items()} == {k: a.paragraphs for k, a in plain.items()}
    assert sorted(articles) == ["article", "export:1", "export:2"]
    assert report.skipped == ["backup.tar.gz"]


def test_a_gzip_bomb_stops_at_the_size_limit_decompressed(tmp_path, monkeypatch):
    monkeypatch.setenv("ARSEARCH_MAX_FILE_MB", "1")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"\xd8\xb3" * (8 * 2**20), compresslevel=9))  # 16 MB of س
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress("text\nنص\n".encode())[:-6])
    assert (tmp_path / "bomb.txt.gz").stat().st_size < 100_000
    articles, report = _read(tmp_path)
    assert articles == {}
    bomb, cut = sorted(report.warnings)
    assert bomb.startswith("bomb.txt.gz: over the 1 MB limit for one file once decompressed")
    assert cut.startswith("cut.csv.gz: not a valid gzip file")


# --- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        pytest.param("cp1256", "WINDOWS-1256", id="windows-1256"),
        pytest.param("iso-8859-6", "ISO-8859-6", id="iso-8859-6"),
        pytest.param("utf-16", "UTF-16", id="utf-16-with-bom"),
    ],
)
def test_legacy_encodings_are_detected_converted_and_reported(tmp_path, encoding, named):
    (tmp_path / "old.txt").write_bytes(LEGACY_TEXT.encode(encoding))
    articles, report = _read(tmp_path)
    assert articles["old"].paragraphs == tuple(LEGACY_TEXT.split("\n\n"))
    assert report.converted == [f"old.txt ({named})"]


def test_an_undecidable_file_is_skipped_with_an_iconv_command_that_works(tmp_path):
    (tmp_path / "short.txt").write_bytes("سوريا".encode("cp1256"))  # five bytes: Japanese as likely as Arabic
    articles, report = _read(tmp_path)
    assert articles == {}
    (warning,) = report.warnings
    command = warning.split("convert it with: ", 1)[1].split(" and move", 1)[0]
    assert command == "iconv -f WINDOWS-1256 -t UTF-8 short.txt > short.utf8.txt"
    subprocess.run(command, shell=True, cwd=tmp_path, check=True)
    (tmp_path / "short.txt").unlink()
    articles, _ = _read(tmp_path)
    assert articles["short.utf8"].paragraphs == ("سوريا",)


# --- .txt -----------------------------------------------------------------------------------------


def test_txt_header_block_first_line_title_and_file_name(tmp_path):
    (tmp_path / "header.txt").write_text(
        "title: الأسد في سوتشي\ndate: Tue, 21 Nov 2017 10:30:00 +0300\nsource: سانا\nurl: https://sana.example/1\n\n"
        "التقى الرئيس بشار الأسد الرئيس الروسي فلاديمير بوتين في سوتشي.\n",
        encoding="utf-8",
    )
    (tmp_path / "heading.txt").write_text(
        "ترامب يعترف بالقدس عاصمة لإسرائيل\n\nأعلن الرئيس الأمريكي دونالد ترامب اعتراف بلاده بالقدس.\n", encoding="utf-8"
    )
    (tmp_path / "plain.txt").write_text("أعلن الرئيس الأمريكي دونالد ترامب اعتراف بلاده بالقدس.\nوأثار القرار ردود فعل غاضبة.\n", encoding="utf-8")
    articles, _ = _read(tmp_path)
    header = articles["header"]
    assert (header.title, header.date, header.source, header.url) == (
        "الأسد في سوتشي", "2017-11-21T10:30:00+03:00", "سانا", "https://sana.example/1",
    )
    assert header.paragraphs == ("التقى الرئيس بشار الأسد الرئيس الروسي فلاديمير بوتين في سوتشي.",)
    assert articles["heading"].title == "ترامب يعترف بالقدس عاصمة لإسرائيل"
    assert articles["heading"].paragraphs == ("أعلن الرئيس الأمريكي دونالد ترامب اعتراف بلاده بالقدس.",)
    assert articles["plain"].title == "plain"  # its first line ends a sentence: not a title
    assert len(articles["plain"].paragraphs) == 2


# --- the command line -------------------------------------------------------------------------------


def _mixed_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "pages").mkdir(parents=True)
    _copy(corpus / "pages", "article.html")
    _copy(corpus, "feed.rss", "export.csv")
    (corpus / "old.txt").write_bytes(LEGACY_TEXT.encode("cp1256"))
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4")
    return corpus


def test_rebuild_summary_lists_each_format_conversions_and_skipped_files(tmp_path):
    corpus = _mixed_corpus(tmp_path)
    result = CliRunner().invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "read CSV 1 file (2 articles), RSS/Atom 1 file (2 articles), text 1 file (1 article), HTML 1 file (1 article)" in lines
    assert "converted to UTF-8: old.txt (WINDOWS-1256)" in lines
    assert "skipped 1 file (.pdf is not a kind arsearch reads): scan.pdf" in lines
    assert 'warning: export.csv:3: no "body" string, row skipped' in lines
    assert "6 added" in result.stdout
    shown = CliRunner().invoke(cli, ["show", "pages/article#2", "--context", "0", "--json", "--index", str(tmp_path / "index")])
    assert shown.exit_code == 0, shown.output
    assert "لودريان" in shown.stdout and "أخبار الشرق" in shown.stdout


def test_a_failed_rebuild_still_says_why_each_file_was_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "short.txt").write_bytes("سوريا".encode("cp1256"))
    (corpus / "gallery.html").write_text("<html><head><title>صور</title></head><body><img src='a.jpg'></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 2
    assert "warning: short.txt: not UTF-8" in result.stderr and "iconv -f WINDOWS-1256" in result.stderr
    assert "warning: gallery.html: no article text found" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Error: nothing to index in")


def test_a_wrong_column_mapping_exits_2_naming_the_columns_and_leaves_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _copy(corpus, "export.csv")
    index_dir = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(index_dir)]).exit_code == 0
    bad = runner.invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(index_dir), "--columns", "text=matn"])
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == (
        "Error: export.csv has no column 'matn' (--columns text=matn); its columns are: "
        "headline, body, published, site, link, section. Pass --columns with one of them"
    )
    typo = runner.invoke(cli, ["index", "--source", str(corpus), "--index", str(index_dir), "--columns", "txt=body"])
    assert typo.exit_code == 2 and "'txt' is not a part of an article" in typo.stderr
    found = runner.invoke(cli, ["search", "منوتشين", "--json", "--index", str(index_dir)])
    assert found.exit_code == 0 and json.loads(found.stdout)["hits"][0]["key"] == "export:1#2"


def test_update_of_a_csv_file_reindexes_only_the_rows_that_changed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [("headline", "body"), ("الأول", "زار بوتين أنقرة."), ("الثاني", "زار ماكرون الرياض."), ("الثالث", "زار تيلرسون الدوحة.")]
    write = lambda rows: (corpus / "wire.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")  # noqa: E731
    write(rows)
    index_dir = tmp_path / "index"
    runner = CliRunner()
    assert "3 added" in runner.invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(index_dir)]).stdout
    write([rows[0], rows[1], ("الثاني", "زار ماكرون جدة."), rows[3]])
    updated = runner.invoke(cli, ["index", "--source", str(corpus), "--index", str(index_dir)])
    assert "0 added, 1 changed, 0 removed, 2 unchanged" in updated.stdout
    write(rows[:2])
    updated = runner.invoke(cli, ["index", "--source", str(corpus), "--index", str(index_dir)])
    assert "0 added, 0 changed, 2 removed, 1 unchanged" in updated.stdout


def test_a_csv_row_is_searchable_and_shown_on_the_page(tmp_path):
    from arsearch.web import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _copy(corpus, "export.csv")
    rebuild_index_dir = tmp_path / "index"
    assert CliRunner().invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(rebuild_index_dir)]).exit_code == 0
    client = create_app(rebuild_index_dir).test_client()
    found = client.get("/?q=منوتشين").get_data(as_text=True)
    link = re.search(r'href="(/passage/[^"]+)"', found).group(1)
    assert link.startswith("/passage/export:1/2")
    shown = client.get(link)
    assert shown.status_code == 200 and "ستيفن منوتشين" in shown.get_data(as_text=True)


def test_the_index_remembers_the_column_mapping_and_rebuilds_when_it_changes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.tsv").write_text(
        "nass\tunwan\nالتقى وزير الخارجية الأمريكي ريكس تيلرسون نظيره الروسي في فيينا.\tتيلرسون ولافروف في فيينا\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    runner = CliRunner()
    built = runner.invoke(cli, ["rebuild", "--source", str(corpus), "--index", str(index_dir), "--columns", "text=nass"])
    assert built.exit_code == 0 and "1 added" in built.stdout
    again = runner.invoke(cli, ["index", "--source", str(corpus), "--index", str(index_dir)])
    assert again.exit_code == 0 and "0 added, 0 changed, 0 removed, 1 unchanged" in again.stdout
    changed = runner.invoke(cli, ["index", "--source", str(corpus), "--index", str(index_dir), "--columns", "text=nass,title=unwan"])
    assert changed.exit_code == 0 and "(the column mapping changed)" in changed.stdout
    shown = runner.invoke(cli, ["show", "wire:1#1", "--json", "--index", str(index_dir)])
    assert "تيلرسون ولافروف في فيينا" in shown.stdout
