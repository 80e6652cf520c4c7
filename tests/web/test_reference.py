"""The UN Member States: UN names in six languages, UN regional groups, loading and upgrading."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.web.test_migrations import empty_app, revisions  # noqa: F401  (empty_app: a fixture)
from web.reference import (
    DATA,
    LANGUAGES,
    MemberState,
    ReferenceDataError,
    group_label,
    group_note_label,
    member_states,
)

SCRIPTS = {"ar": "ARABIC", "ru": "CYRILLIC", "zh": "CJK"}
BEFORE = "0003"  # the revision before the one that adds the regional groups


@pytest.fixture(scope="module")
def states() -> dict[str, MemberState]:
    return {state.code: state for state in member_states()}


def test_193_member_states_with_iso_codes(states: dict[str, MemberState]) -> None:
    assert len(states) == 193
    assert len({state.alpha2 for state in states.values()}) == 193
    assert {"KEN", "FRA", "SSD", "PRK", "KOR"} <= set(states) and not {"TWN", "XKX", "PSE", "VAT"} & set(states)
    codes = [line.split(",")[0] for line in DATA.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")][1:]
    assert codes == sorted(codes)  # the file is sorted by code, not by any language's names


def test_every_name_in_six_languages_and_in_its_script(states: dict[str, MemberState]) -> None:
    for state in states.values():
        for names in (state.names, state.formal_names):
            assert set(names) == set(LANGUAGES), state.code
            assert all(value and value == value.strip() and "  " not in value for value in names.values()), state.code
            for lang, script in SCRIPTS.items():
                letters = [char for char in names[lang] if char.isalpha()]
                assert names[lang] != names["en"], (state.code, lang)
                assert letters and all(unicodedata.name(char).startswith(script) for char in letters), \
                    (state.code, lang, names[lang])


UN_SHORT_NAMES = {
    "BOL": "Bolivia (Plurinational State of)", "BIH": "Bosnia and Herzegovina", "IRN": "Iran (Islamic Republic of)",
    "RUS": "Russian Federation", "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "USA": "United States of America", "TUR": "Türkiye", "VNM": "Viet Nam", "KOR": "Republic of Korea",
    "LAO": "Lao People's Democratic Republic", "SYR": "Syrian Arab Republic", "TZA": "United Republic of Tanzania",
    "MDA": "Republic of Moldova", "FSM": "Micronesia (Federated States of)",
    "VEN": "Venezuela (Bolivarian Republic of)", "CZE": "Czechia", "NLD": "Netherlands (Kingdom of the)",
    "CIV": "Côte d'Ivoire", "PRK": "Democratic People's Republic of Korea",
    "COD": "Democratic Republic of the Congo", "COG": "Congo", "BRN": "Brunei Darussalam", "CPV": "Cabo Verde",
    "SWZ": "Eswatini", "MKD": "North Macedonia", "TLS": "Timor-Leste", "GMB": "Gambia", "KEN": "Kenya",
}


def test_the_un_short_names_not_the_common_ones(states: dict[str, MemberState]) -> None:
    assert {code: states[code].names["en"] for code in UN_SHORT_NAMES} == UN_SHORT_NAMES
    assert states["BOL"].names == {
        "ar": "بوليفيا (دولة - المتعددة القوميات)", "en": "Bolivia (Plurinational State of)",
        "es": "Bolivia (Estado Plurinacional de)", "fr": "Bolivie (État plurinational de)",
        "ru": "Боливия (Многонациональное Государство)", "zh": "多民族玻利维亚国"}
    # French and Spanish without UNTERM's trailing article
    assert states["GBR"].names["fr"] == "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord"
    assert states["USA"].names["fr"] == "États-Unis d'Amérique" and states["RUS"].names["fr"] == "Fédération de Russie"
    assert states["USA"].names["es"] == "Estados Unidos de América" and states["IND"].names["fr"] == "Inde"
    assert states["RUS"].names["zh"] == "俄罗斯联邦" and states["RUS"].names["ru"] == "Российская Федерация"
    assert states["SYR"].names["ar"] == "الجمهورية العربية السورية"


def test_formal_names_keep_their_article(states: dict[str, MemberState]) -> None:
    assert states["KEN"].formal_names["en"] == "the Republic of Kenya"
    assert states["KEN"].formal_names["fr"] == "la République du Kenya"
    assert states["BOL"].formal_names["es"] == "el Estado Plurinacional de Bolivia"
    assert states["TUR"].formal_names["en"] == "the Republic of Türkiye"
    assert states["CHN"].formal_names["zh"] == "中华人民共和国"


def test_five_regional_groups(states: dict[str, MemberState]) -> None:
    groups = {state.code: state.group for state in states.values()}
    assert Counter(groups.values()) == {"african": 54, "asia_pacific": 54, "eastern_european": 23,
                                        "latin_american_caribbean": 33, "western_european_other": 29}
    # the Western European and other States: 28 members and the United States of America, an observer
    weog = {code for code, group in groups.items() if group == "western_european_other"}
    assert {code for code in weog if states[code].group_note != "observer"} >= {"ISR", "TUR", "CAN", "AUS", "NZL"}
    assert len({code for code in weog if states[code].group_note != "observer"}) == 28
    assert {code: state.group_note for code, state in states.items() if state.group_note} == {
        "USA": "observer", "TUR": "also_asia_pacific"}
    assert groups["KIR"] == groups["CYP"] == groups["KAZ"] == groups["SAU"] == "asia_pacific"
    assert len([code for code, group in groups.items() if group == "asia_pacific" and code != "KIR"]) == 53
    assert groups["GEO"] == groups["RUS"] == groups["ARM"] == "eastern_european"
    assert groups["CUB"] == groups["MEX"] == "latin_american_caribbean"
    assert all(groups[code] == "african" for code, state in states.items() if state.region == "002")


def test_group_labels_in_the_interface_language(app: Flask) -> None:
    with app.test_request_context():
        assert group_label("western_european_other") == "Western European and other States"
        with force_locale("fr"):
            assert group_label("african") == "États d’Afrique"
            assert group_note_label("observer") == "Observateur, compté dans ce groupe aux fins des élections"
        with force_locale("ar"):
            assert group_label("asia_pacific") == "دول آسيا والمحيط الهادئ"
        assert group_note_label(None) == ""


def test_the_data_file_errors_say_where(tmp_path: Path) -> None:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    header = next(number for number, line in enumerate(lines) if line.startswith("alpha3,"))
    first = lines[header + 1].split(",")
    bad = [",".join(["KEN", "002", "african", "", *[""] * 12]),
           ",".join(["XXX", "003", "nordic", "member", *first[4:]]),
           lines[header + 1]]
    path = tmp_path / "states.csv"
    path.write_text("\n".join([*lines[:header + 2], *bad]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as raised:
        member_states(path)
    problems = raised.value.problems
    base = header + 3  # line numbers are the file's, counting comments
    assert f"line {base}: KEN has no name in ar, en, es, fr, ru, zh; write the UNTERM name there" in problems
    assert any(p.startswith(f"line {base + 1}: 'XXX' is not an ISO 3166-1 alpha-3 code") for p in problems)
    assert any(p.startswith(f"line {base + 1}: group 'nordic' is not one of african") for p in problems)
    assert any(p.startswith(f"line {base + 1}: region '003'") for p in problems)
    assert any(p.startswith(f"line {base + 1}: group_note 'member'") for p in problems)
    assert f"line {base + 2}: {first[0]} already on line {header + 2}; keep one row per State" in problems

    path.write_text("alpha3,region,names\nKEN,002,Kenya\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"line 1: missing column\(s\) group, group_note, name_ar"):
        member_states(path)


def test_states_load_command(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from web.cli import cli

    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["states", "load"])
    assert result.exit_code == 0 and result.output == "States: 0 added, 0 updated\n"
    bad = tmp_path / "states.csv"
    bad.write_text("alpha3,region\nKEN,002\n", encoding="utf-8")
    monkeypatch.setattr("web.reference.DATA", bad)
    result = runner.invoke(cli, ["states", "load"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{bad}: 1 problem(s):" in result.output and "line 1: missing column(s) group" in result.output


def test_load_updates_existing_rows(app: Flask) -> None:
    from web.extensions import db
    from web.models import State
    from web.reference import load_states

    with app.app_context():
        try:
            bolivia = db.session.scalars(select(State).where(State.code == "BOL")).one()
            bolivia.names = {"en": "Bolivia", "fr": "Bolivie"}
            bolivia.group = "african"
            db.session.commit()
            assert load_states(db.session) == (0, 1)
            db.session.commit()
            db.session.expire_all()
            bolivia = db.session.scalars(select(State).where(State.code == "BOL")).one()
            assert bolivia.name("fr") == "Bolivie (État plurinational de)"
            assert bolivia.group == "latin_american_caribbean"
            assert bolivia.formal_name("en") == "the Plurinational State of Bolivia"
            assert load_states(db.session) == (0, 0)
        finally:
            db.session.rollback()
            load_states(db.session)
            db.session.commit()


def test_the_database_refuses_an_unknown_group(app: Flask) -> None:
    from web.extensions import db

    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE states SET regional_group = 'nordic' WHERE code = 'NOR'"))
        db.session.flush()
    with app.app_context():
        db.session.rollback()


def _old_states(db) -> None:  # type: ignore[no-untyped-def]
    """States as revision 0003 held them: CLDR names, no group."""
    with db.engine.begin() as conn:
        for code, alpha2, region, name in [("BOL", "BO", "019", "Bolivia"), ("USA", "US", "019", "United States"),
                                           ("TUR", "TR", "142", "Turkey"), ("KIR", "KI", "009", "Kiribati"),
                                           ("KEN", "KE", "002", "Kenya")]:
            conn.execute(text("INSERT INTO states (code, alpha2, region, names) VALUES (:code, :alpha2, :region, "
                              ":names)"),
                         {"code": code, "alpha2": alpha2, "region": region, "names": f'{{"en": "{name}"}}'})


def test_migration_upgrades_a_database_with_the_old_states(empty_app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from web.extensions import db
    from web.migrate import current, upgrade
    from web.models import State
    from web.reference import load_states

    with empty_app.app_context():
        upgrade(db, BEFORE)
        _old_states(db)
        upgrade(db)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT code, regional_group, group_note FROM states ORDER BY code")).all()
            usa_id = conn.execute(text("SELECT id FROM states WHERE code = 'USA'")).scalar()
        assert [tuple(row) for row in rows] == [
            ("BOL", "latin_american_caribbean", None), ("KEN", "african", None), ("KIR", "asia_pacific", None),
            ("TUR", "western_european_other", "also_asia_pacific"), ("USA", "western_european_other", "observer")]
        assert load_states(db.session) == (188, 5)
        db.session.commit()
        usa = db.session.scalars(select(State).where(State.code == "USA")).one()
        assert usa.id == usa_id and usa.name("en") == "United States of America" and usa.name("zh") == "美利坚合众国"
        assert current(db) == revisions()[-1]


def test_migration_refuses_a_state_that_is_not_a_member(empty_app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from web.extensions import db
    from web.migrate import current, upgrade

    with empty_app.app_context():
        upgrade(db, BEFORE)
        _old_states(db)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO states (code, alpha2, region, names) VALUES ('TWN', 'TW', '142', '{}')"))
        with pytest.raises(RuntimeError, match="States TWN are not UN Member States"):
            upgrade(db)
        assert current(db) == BEFORE
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM states")).scalar() == 6
            assert "regional_group" not in str(conn.execute(text("SELECT * FROM states")).keys())
