"""Malformed packs are refused with a message naming the file and the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labourwatch.core.errors import PackError
from labourwatch.packs import builtin_pack_dirs, load_packs

PACK = """\
id: demo
version: 1.0.0
title: {en: Demo, ru: Демо}
acts:
  - {id: act-1, title: {en: Act, ru: Акт}, from: 2000-01-01, status: verified}
"""
PARAMS = """\
cap:
  description: {en: A cap, ru: Предел}
  values:
    2000-01-01: {value: 2, status: verified, ref: {act: act-1, article: "art. 1"}}
"""
RULES = """\
over_cap:
  kind: finding
  label: {en: Over, ru: Сверх}
  expr: |
    hours_per_day >
      p.limits.cap
"""


def make_pack(tmp_path: Path, *, pack: str = PACK, params: str = PARAMS, rules: str = RULES) -> Path:
    d = tmp_path / "demo"
    (d / "parameters").mkdir(parents=True)
    (d / "rules").mkdir()
    (d / "pack.yaml").write_text(pack, encoding="utf-8")
    (d / "parameters" / "limits.yaml").write_text(params, encoding="utf-8")
    (d / "rules" / "r.yaml").write_text(rules, encoding="utf-8")
    return d


def test_a_valid_pack_loads_with_a_content_hash(tmp_path):
    (pack,) = load_packs(dirs=[make_pack(tmp_path)])
    assert pack.id == "demo" and len(pack.content_hash) == 64
    assert pack.parameters["limits.cap"].values[0].value == 2.0


def test_changing_a_value_changes_the_hash(tmp_path):
    first = load_packs(dirs=[make_pack(tmp_path / "a")])[0].content_hash
    second = load_packs(dirs=[make_pack(tmp_path / "b", params=PARAMS.replace("value: 2", "value: 3"))])[0].content_hash
    assert first != second


@pytest.mark.parametrize(
    ("kwargs", "file", "line", "message"),
    [
        (
            {"rules": RULES.replace("p.limits.cap", "p.limits.cat")},
            "r.yaml",
            6,
            "unknown parameter 'limits.cat'",
        ),
        (
            {"rules": RULES.replace("hours_per_day", "hours_perday")},
            "r.yaml",
            5,
            "did you mean 'hours_per_day'",
        ),
        ({"rules": RULES.replace("kind: finding", "kind: verdict")}, "r.yaml", 2, "kind must be one of"),
        ({"rules": RULES.replace("ru: Сверх", "de: Über")}, "r.yaml", 3, "lacks a text in: ru"),
        (
            {"params": PARAMS.replace("status: verified", "status: trusted")},
            "limits.yaml",
            4,
            "status must be one of",
        ),
        ({"params": PARAMS.replace("act: act-1", "act: act-9")}, "limits.yaml", 4, "unknown act 'act-9'"),
        ({"params": PARAMS.replace("2000-01-01:", "2000-13-01:")}, "limits.yaml", 4, "not a date"),
        # a reference's title and note are texts in every language, as every other text of a pack
        (
            {"params": PARAMS.replace('article: "art. 1"', 'note: "Not seen."')},
            "limits.yaml",
            4,
            "note of a reference (a text in en, ru) must be a mapping",
        ),
        (
            {"params": PARAMS.replace("act: act-1", "title: {en: Budget law}")},
            "limits.yaml",
            4,
            "title of a reference lacks a text in: ru",
        ),
        (
            {"pack": PACK.replace("status: verified}", "status: verified, note: Repealed.}")},
            "pack.yaml",
            5,
            "note of act act-1 (a text in en, ru) must be a mapping",
        ),
        ({"pack": PACK.replace("version: 1.0.0", "version: one")}, "pack.yaml", 1, "semantic version"),
        ({"rules": RULES + "  extra: 1\n"}, "r.yaml", 7, "unknown key 'extra'"),
        ({"rules": RULES + "over_cap:\n  kind: finding\n"}, "r.yaml", 7, "duplicate key 'over_cap'"),
    ],
)
def test_mistakes_point_at_file_and_line(tmp_path, kwargs, file, line, message):
    with pytest.raises(PackError) as err:
        load_packs(dirs=[make_pack(tmp_path, **kwargs)])
    assert message in str(err.value)
    assert err.value.location is not None
    assert err.value.location.file.endswith(file)
    assert err.value.location.line == line


def test_rules_referring_to_each_other_in_a_cycle(tmp_path):
    rules = """\
a:
  kind: derived
  label: {en: A, ru: А}
  expr: b + 1
b:
  kind: derived
  label: {en: B, ru: Б}
  expr: a + 1
"""
    with pytest.raises(PackError, match="cycle"):
        load_packs(dirs=[make_pack(tmp_path, rules=rules)])


def test_a_finding_must_be_true_or_false(tmp_path):
    with pytest.raises(PackError, match="expected a boolean"):
        load_packs(
            dirs=[make_pack(tmp_path, rules=RULES.replace("hours_per_day >\n      p.limits.cap", "hours_per_day"))]
        )


def test_builtin_packs_have_tests_and_a_changelog():
    for d in builtin_pack_dirs():
        assert list((d / "tests").glob("*.yaml")), d
        assert (d / "CHANGELOG.md").exists(), d


def test_copy_of_builtin_pack_loads_from_any_folder(tmp_path):
    src = next(d for d in builtin_pack_dirs() if d.name == "kz-migration")
    shutil.copytree(src, tmp_path / "kz-migration")
    (pack,) = load_packs(dirs=[tmp_path / "kz-migration"])
    assert pack.id == "kz-migration"


def test_packs_are_found_through_entry_points(tmp_path, monkeypatch):
    """A country pack shipped as its own distribution is found like the built-in ones."""
    folder = tmp_path / "packs" / "xx-labour"
    folder.mkdir(parents=True)
    (tmp_path / "xx_packs.py").write_text(f"def folders():\n    return [{str(folder)!r}]\n")
    info = tmp_path / "xx_packs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: xx-packs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[labourwatch.packs]\nxx = xx_packs:folders\n")
    before = builtin_pack_dirs()
    assert {d.name for d in before} >= {"kz-labour", "kz-migration", "icls-2018"}
    monkeypatch.syspath_prepend(str(tmp_path))
    assert builtin_pack_dirs() == sorted([*before, folder], key=lambda d: (d.name, str(d)))


READING = """\
presume:
  description: {en: Presume, ru: Презумпция}
  values:
    2000-01-01: {value: true, status: reading, ref: {act: act-1, article: "art. 2"}}
"""
PRESUMPTION = """\
presumptions:
  hazardous_work:
    value: false
    reading: limits.presume
    explanation: {en: Not asked, ru: Не спрашивали}
"""


def test_a_presumption_names_its_question_value_and_reading(tmp_path):
    (pack,) = load_packs(dirs=[make_pack(tmp_path, pack=PACK + PRESUMPTION, params=PARAMS + READING)])
    presumption = pack.presumptions["hazardous_work"]
    assert (presumption.value, presumption.reading, presumption.explanation["ru"]) == (
        False,
        "limits.presume",
        "Не спрашивали",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("hazardous_work:", "hazardous_job:"), "no such variable"),
        (("value: false", "value: 3"), "is not a boolean"),
        (("reading: limits.presume", "reading: limits.cap"), "true/false reading"),
    ],
)
def test_a_wrong_presumption_is_refused(tmp_path, change, message):
    pack = PACK + PRESUMPTION.replace(*change)
    with pytest.raises(PackError, match=message) as err:
        load_packs(dirs=[make_pack(tmp_path, pack=pack, params=PARAMS + READING)])
    assert err.value.location is not None and err.value.location.file.endswith("pack.yaml")


def test_a_rule_joining_answers_of_different_periods_is_refused(tmp_path):
    rules = RULES.replace("hours_per_day >\n      p.limits.cap", "violence and\n      sold_or_bought")
    joins = r"joins answers about different periods \(ever: sold_or_bought; job: violence\)"
    with pytest.raises(PackError, match=joins) as err:
        load_packs(dirs=[make_pack(tmp_path, rules=rules)])
    assert err.value.location is not None and err.value.location.line == 5


def declaring(period: str) -> str:
    rules = RULES.replace("hours_per_day >\n      p.limits.cap", "sold_or_bought and\n      sold_into_this_job")
    return rules.replace("  kind: finding", f"  kind: finding\n  period: {period}")


def test_a_rule_tying_an_answer_to_this_job_declares_its_period(tmp_path):
    (pack,) = load_packs(dirs=[make_pack(tmp_path, rules=declaring("job"))])
    assert dict(pack.rules["over_cap"].periods) == {"job": frozenset({"over_cap"})}
    with pytest.raises(PackError, match="period must be one of"):
        load_packs(dirs=[make_pack(tmp_path / "b", rules=declaring("then"))])
