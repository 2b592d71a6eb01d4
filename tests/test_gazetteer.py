"""The gazetteer: shipped data, user overrides, resolving what users type."""

import pytest
from arsearch.indexer.errors import GazetteerError, QueryError
from arsearch.indexer.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_shipped_gazetteer_covers_the_seed(gazetteer):
    for ident in ("putin", "macron", "lavrov", "tillerson", "zakharova", "kremlin", "russia_mfa",
                  "tass", "sana", "un", "unsc", "unesco", "osce", "syria", "russia", "france", "ukraine", "usa"):
        assert ident in gazetteer.actors, ident
    for ident in ("syria", "ukraine", "korea", "humanitarian", "heritage", "terrorism", "demining"):
        assert ident in gazetteer.topics, ident


def test_every_country_reference_exists(gazetteer):
    for actor in gazetteer.actors.values():
        if actor.country:
            assert gazetteer.actors[actor.country].kind == "country", actor.id


def test_roles_carry_dates(gazetteer):
    (role,) = [r for r in gazetteer.actors["tillerson"].roles if "الأمريكي" in r.title]
    assert role.holds_on("2017-11-20")
    assert not role.holds_on("2019-01-01")


@pytest.mark.parametrize(
    "typed, ident",
    [
        pytest.param("putin", "putin", id="id"),
        pytest.param("Putin", "putin", id="english-name"),
        pytest.param("Vladimir Putin", "putin", id="english-full-name"),
        pytest.param("بوتين", "putin", id="arabic-name"),
        pytest.param("وبوتين", "putin", id="arabic-with-clitic"),
        pytest.param("الكرملين", "kremlin", id="arabic-with-article"),
        pytest.param("اليونسكو", "unesco", id="spelling-variant"),
    ],
)
def test_resolve_actor(gazetteer, typed, ident):
    assert gazetteer.resolve_actor(typed) == ident


def test_resolve_topic_by_arabic_label(gazetteer):
    assert gazetteer.resolve_topic("شبه الجزيرة الكورية") == "korea"
    assert gazetteer.resolve_topic("Korean Peninsula") == "korea"


def test_unknown_actor_suggests_close_matches(gazetteer):
    with pytest.raises(QueryError, match="did you mean putin"):
        gazetteer.resolve_actor("putn")


def test_user_file_overrides_and_extends(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[actors]]\nid = "putin"\nkind = "person"\nar = ["بوتين"]\nen = ["V. Putin"]\n\n'
        '[[actors]]\nid = "nebenzia_x"\nkind = "person"\nar = ["فاسيلي نيبينزيا"]\n',
        encoding="utf-8",
    )
    merged = Gazetteer.load(mine)
    assert merged.actors["putin"].en == ("V. Putin",)
    assert "nebenzia_x" in merged.actors
    assert "macron" in merged.actors
    assert merged.fingerprint != Gazetteer.load().fingerprint


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("[[actors]\n", "not valid TOML", id="bad-toml"),
        pytest.param('[[actors]]\nid = "Bad Id"\nkind = "person"\nar = ["س"]\n', "lowercase ASCII", id="bad-id"),
        pytest.param('[[actors]]\nid = "x"\nkind = "alien"\nar = ["س"]\n', "kind", id="bad-kind"),
        pytest.param('[[actors]]\nid = "x"\nkind = "person"\n', "at least one name", id="no-names"),
        pytest.param('[[actors]]\nid = "x"\nkind = "person"\nar = ["س"]\nroles = [{title = "t", from = "soon"}]\n', "not a date", id="bad-date"),
    ],
)
def test_bad_user_file_is_a_clear_error(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.load(bad)


def test_json_round_trip_keeps_everything(gazetteer):
    again = Gazetteer.from_json(gazetteer.to_json())
    assert again == gazetteer
