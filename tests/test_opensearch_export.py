"""`arsearch export opensearch`: the template and bulk file of the seed, their round trip, and the push."""

import json

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.store import open_index
from arsearch.opensearch.analysis import analysis_settings
from arsearch.opensearch.client import OpenSearchBackendError, connect
from arsearch.opensearch.documents import MENTION_KEYS, gazetteer_from_meta, read_ndjson, to_passage
from arsearch.opensearch.export import export_opensearch
from click.testing import CliRunner

from tests.opensearch_fake import FakeCluster, bulk_ok


@pytest.fixture(scope="module")
def exported(seed_index, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    result = CliRunner().invoke(cli, ["export", "opensearch", "--index", str(seed_index), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def stored(seed_index):
    with open_index(seed_index, preload=False) as ix, ix.whoosh.searcher() as s:
        return {fields["key"]: fields for fields in s.all_stored_fields()}


def test_export_writes_a_template_and_every_passage(exported, stored):
    assert sorted(p.name for p in exported.iterdir()) == ["passages.ndjson", "template.json"]
    lines = (exported / "passages.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(stored) and len(stored) > 5
    assert json.loads(lines[0]) == {"index": {"_index": "arsearch", "_id": "000_b8da21838642536f#1"}}


def test_the_template_reproduces_the_index_analysis(exported, seed_index):
    template = json.loads((exported / "template.json").read_text(encoding="utf-8"))
    mappings = template["template"]["mappings"]
    with open_index(seed_index, preload=False) as ix:
        assert template["template"]["settings"]["index"]["analysis"] == analysis_settings(ix.words)
        assert gazetteer_from_meta(mappings["_meta"]).to_json() == ix.gazetteer.to_json()
    fields = mappings["properties"]
    assert fields["text"]["analyzer"] == "arsearch_stem" and fields["text"]["copy_to"] == ["exact"]
    assert fields["exact"]["analyzer"] == "arsearch_exact"
    assert all(fields[f]["index_options"] == "offsets" for f in ("text", "exact", "title"))
    for keyword in ("article_id", "source", "actors", "inferred", "topics", "discovered"):
        assert fields[keyword] == {"type": "keyword"}, keyword
    assert fields["date"]["type"] == "date"


def test_bulk_documents_round_trip_to_the_same_passages_tags_and_dates(exported, stored, searcher):
    docs = dict(read_ndjson(exported / "passages.ndjson"))
    assert docs.keys() == stored.keys()
    for key, doc in docs.items():
        fields = stored[key]
        assert to_passage(doc) == searcher._passage(fields)  # text, title, source, date, url, tags
        assert doc["discovered"] == fields["discovered"].split()
        assert [[m[k] for k in MENTION_KEYS] for m in doc["mentions"]] == [list(m) for m in fields["mentions"]]
        assert doc.get("date", "") == fields["date"]
    tagged = [d for d in docs.values() if d["actors"]]
    assert tagged and any("putin" in d["actors"] for d in tagged)
    assert any("بوتين" in d["text"] for d in tagged)


def test_an_undated_passage_has_no_date_field(tmp_path):
    from arsearch.opensearch.documents import to_document

    base = {"key": "a#1", "article_id": "a", "passage": 1, "text": "سورية", "actors": "syria", "topics": ""}
    assert "date" not in to_document({**base, "date": ""})
    assert to_document({**base, "date": "2017-07-03"})["date"] == "2017-07-03"
    assert to_document(base)["actors"] == ["syria"] and to_document(base)["topics"] == []


def test_push_installs_the_template_and_loads_every_passage(seed_index, stored):
    cluster = FakeCluster()
    cluster.on("PUT", "/_index_template/arsearch", (200, {"acknowledged": True}))
    cluster.on("POST", "/_bulk", bulk_ok)
    cluster.on("POST", "/arsearch/_refresh", (200, {}))
    seen = []
    report = export_opensearch(
        seed_index, None, connect("http://localhost:9200", cluster.connection_class()),
        progress=lambda step, total: seen.append((step, total)),
    )
    assert report.pushed == len(stored) and not report.failed
    (template,) = cluster.bodies("PUT", "/_index_template/arsearch")
    assert "arsearch_stem" in json.loads(template)["template"]["settings"]["index"]["analysis"]["analyzer"]
    bulk = "".join(cluster.bodies("POST", "/_bulk")).splitlines()
    assert {json.loads(line)["index"]["_id"] for line in bulk[::2]} == stored.keys()
    assert sum(s for s, _ in seen) == len(stored) and {t for _, t in seen} == {len(stored)}


def test_refused_documents_are_reported(seed_index):
    cluster = FakeCluster()
    cluster.on("PUT", "/_index_template/arsearch", (200, {"acknowledged": True}))
    cluster.on("POST", "/arsearch/_refresh", (200, {}))

    def one_refused(path, params, body):
        status, data = bulk_ok(path, params, body)
        data["errors"] = True
        data["items"][0]["index"].update(status=400, error={"type": "mapper_parsing_exception", "reason": "failed to parse field [date]"})
        return status, data

    cluster.on("POST", "/_bulk", one_refused)
    with pytest.raises(OpenSearchBackendError, match=r"refused 1 of \d+ passages .*failed to parse field \[date\]"):
        export_opensearch(seed_index, None, connect("http://localhost:9200", cluster.connection_class()))


def test_an_unreachable_cluster_is_one_line_and_exit_2(seed_index):
    before = sorted(p.name for p in seed_index.rglob("*"))
    result = CliRunner().invoke(cli, ["export", "opensearch", "--index", str(seed_index), "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach OpenSearch at http://127.0.0.1:9")
    assert "Connection refused" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert sorted(p.name for p in seed_index.rglob("*")) == before  # the local index is untouched


def test_rejected_credentials_say_which_variables_to_set(seed_index, monkeypatch):
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_USER", "admin")
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_PASSWORD", "wrong")
    cluster = FakeCluster()
    cluster.on("PUT", "/_index_template/arsearch", (401, {"error": {"type": "security_exception", "reason": "unauthorized"}}))
    client = connect("https://user:secret@localhost:9200", cluster.connection_class())
    with pytest.raises(OpenSearchBackendError, match=r"refused the credentials.*\$ARSEARCH_OPENSEARCH_USER") as e:
        export_opensearch(seed_index, None, client)
    assert "secret" not in str(e.value) and "user:***@localhost:9200" in str(e.value)


def test_export_needs_somewhere_to_go(seed_index, monkeypatch):
    monkeypatch.delenv("ARSEARCH_OPENSEARCH_URL", raising=False)
    result = CliRunner().invoke(cli, ["export", "opensearch", "--index", str(seed_index)])
    assert result.exit_code == 2 and "give --out DIR, --url URL" in result.stderr


def test_a_missing_index_is_a_message(tmp_path):
    result = CliRunner().invoke(cli, ["export", "opensearch", "--index", str(tmp_path / "none"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.startswith("Error: no index in")


def test_tls_is_verified_unless_turned_off(monkeypatch):
    monkeypatch.delenv("ARSEARCH_OPENSEARCH_VERIFY", raising=False)
    (conn,) = connect("https://localhost:9200").transport.connection_pool.connections
    assert conn.pool.cert_reqs == "CERT_REQUIRED"
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_VERIFY", "0")
    (conn,) = connect("https://localhost:9200").transport.connection_pool.connections
    assert conn.pool.cert_reqs == "CERT_NONE"
