"""Reading the corpus: paragraphs, boilerplate, title and source, bad files."""

import json

from arsearch.indexer.corpus import ReadReport, read_articles, split_paragraphs

from .conftest import SEED_ID, SEEDS


def test_seed_article_has_thirteen_passages_and_no_boilerplate():
    (article,) = list(read_articles(SEEDS))
    assert article.article_id == SEED_ID
    assert len(article.paragraphs) == 13
    assert article.paragraphs[0].startswith("أعرب الرئيسان الروسي فلاديمير بوتين")
    assert article.paragraphs[-1].endswith("المسروقة من سورية وإعادتها إليها.")
    for paragraph in article.paragraphs:
        for boilerplate in ("appeared first on", "Posted from", "Rea more", "Only a member"):
            assert boilerplate not in paragraph


def test_boilerplate_gives_title_and_source():
    (article,) = list(read_articles(SEEDS))
    assert article.title == "الرئيسان بوتين وماكرون: ندعم تقدّم العملية السياسية في سورية"
    assert article.source == "صحيفة تشرين"


def test_passages_are_numbered_from_one_with_stable_keys():
    (article,) = list(read_articles(SEEDS))
    passages = article.passages
    assert [p.number for p in passages] == list(range(1, 14))
    assert passages[5].key == f"{SEED_ID}#6"
    assert "شبه الجزيرة الكورية" in passages[5].text


def test_blank_line_blocks_bom_and_crlf(tmp_path):
    body = "\ufeffالفقرة الأولى\r\nتكملة الفقرة\r\n\r\nالفقرة الثانية\r\n\r\nRead more\r\n"
    (tmp_path / "a.txt").write_bytes(body.encode("utf-8"))
    (article,) = list(read_articles(tmp_path))
    assert article.paragraphs == ("الفقرة الأولى تكملة الفقرة", "الفقرة الثانية")


def test_read_more_misspelt_and_glued_posted_from_are_dropped():
    paragraphs, title, source = split_paragraphs(
        "نص المقال\nRea morePosted from صحيفة تشرين\nNote: Only a member of this blog may post a comment."
    )
    assert paragraphs == ["نص المقال"]
    assert source == "صحيفة تشرين"
    assert title == ""


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path):
    (tmp_path / "good.txt").write_text("بوتين في موسكو", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("سورية".encode("cp1256"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "only-boilerplate.txt").write_text("Posted from صحيفة تشرين\n", encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    report = ReadReport()
    articles = list(read_articles(tmp_path, report))
    assert [a.article_id for a in articles] == ["good"]
    warned = " ".join(report.warnings)
    for name in ("latin1.txt", "empty.txt", "only-boilerplate.txt", "blob.txt"):
        assert name in warned
    assert "not UTF-8" in warned and "binary" in warned
    assert report.skipped == ["notes.pdf"]


def test_jsonl_articles_with_ids_metadata_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "tass-1", "title": "عنوان", "source": "تاس", "date": "2017-11-20", "text": "فقرة أولى\nفقرة ثانية"}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "بلا معرف"}, ensure_ascii=False),
    ]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = ReadReport()
    articles = list(read_articles(tmp_path, report))
    assert [a.article_id for a in articles] == ["tass-1", "sub/feed:4"]
    assert articles[0].paragraphs == ("فقرة أولى", "فقرة ثانية")
    assert (articles[0].title, articles[0].source, articles[0].date) == ("عنوان", "تاس", "2017-11-20")
    assert any("sub/feed.jsonl:2" in w for w in report.warnings)
    assert any("sub/feed.jsonl:3" in w for w in report.warnings)


def test_content_hash_changes_with_the_text(tmp_path):
    (tmp_path / "a.txt").write_text("بوتين", encoding="utf-8")
    (before,) = list(read_articles(tmp_path))
    (tmp_path / "a.txt").write_text("ماكرون", encoding="utf-8")
    (after,) = list(read_articles(tmp_path))
    assert before.content_hash != after.content_hash
