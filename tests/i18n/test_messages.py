"""Every user-facing text exists in English and Russian, with the same fields."""

from __future__ import annotations

import string

from labourwatch.i18n import LANGUAGES, catalogue
from labourwatch.packs import load_packs, load_schema


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_messages_have_every_language_and_the_same_fields():
    for key, texts in catalogue().items():
        assert set(LANGUAGES) <= set(texts), key
        assert len({frozenset(fields(texts[lang])) for lang in LANGUAGES}) == 1, key


def test_schema_and_packs_are_bilingual():
    for v in load_schema().variables.values():
        for text in (v.label, v.question, *v.values.values()):
            if text:
                assert set(LANGUAGES) <= set(text), v.name
    for pack in load_packs():
        for param in pack.parameters.values():
            assert set(LANGUAGES) <= set(param.description), param.name
        for rule in pack.rules.values():
            assert set(LANGUAGES) <= set(rule.label), rule.id


def test_every_unit_has_a_translation():
    units = {p.unit for pack in load_packs() for p in pack.parameters.values() if p.unit}
    units |= {v.unit for v in load_schema().variables.values() if v.unit}
    assert {f"unit_{u}" for u in units} <= set(catalogue())


def test_every_status_has_a_label():
    from labourwatch.core.model import Status

    assert {f"status_{s.value}" for s in Status} <= set(catalogue())
