"""Every reference of every pack reads in Russian: its title and note have a Russian text, its article
is one the citation can read, and the whole citation holds no English word (issue #15)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from labourwatch.core.articles import russian
from labourwatch.core.model import LegalRef, Pack
from labourwatch.core.types import pick
from labourwatch.packs import load_packs

# Latin script a Russian citation may keep, each for a reason. Anything else is an untranslated word.
KEPT = (
    re.compile(r"`[^`]*`"),  # what the user types, as the note writes it (`--set reading.NAME=false`)
    re.compile(r"(?<!\S)--[\w-]+"),  # an option of the command line, as a message names it (--set)
    re.compile(r"\S*_\S*"),  # names of questions, rules and reading values (month_norm_days) and ILO document
    # numbers (WCMS_182084): the user types or searches them as they are
    re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|uz|su|md)\b"),  # a source by its address (mintax.kz) or file
    re.compile(r"\b\d+-[IVX]+\b"),  # act numbers: the number, then the convocation of Parliament (259-V, 414-V)
    re.compile(r"«[a-z]»"),  # lettered subparagraphs of UN instruments keep their letter: подп. «a» ст. 3
)
# The OSCE survey's paper, cited by its authors and series as the paper is published (in English only).
AUTHORS = {"Anderson", "Hancilova", "COMPAS", "WP"}


def latin_words(text: str, pack_ids: Iterable[str] = ()) -> list[str]:
    """The words in Latin script that a Russian text should not hold. The ids of packs are kept: the user
    types them (`--set evidence:reading...`, "пакеты до evidence 1.2.0")."""
    ids = sorted(pack_ids, key=len, reverse=True)
    for pattern in (*KEPT, *(re.compile(rf"(?<![\w-]){re.escape(i)}(?![\w-])") for i in ids)):
        text = pattern.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in AUTHORS]


def references(pack: Pack) -> Iterator[tuple[str, LegalRef]]:
    for name, param in pack.parameters.items():
        for value in param.values:
            yield f"{pack.id}:{name} from {value.start}", value.reference
    for rule in pack.rules.values():
        for ref in rule.references:
            yield f"{pack.id}:{rule.id}", ref


def test_every_title_and_note_has_a_russian_text():
    counted = 0
    for pack in load_packs():
        for where, ref in references(pack):
            for field, text in (("title", ref.title), ("note", ref.note)):
                if text is not None:
                    assert text.get("ru") and text.get("en"), f"{where}: {field}"
                    counted += 1
        for act in pack.acts.values():
            assert act.title.get("ru") and (act.note is None or act.note.get("ru")), act.id
    assert counted > 300  # the packs hold that many: a loader that dropped them would pass vacuously


def test_every_article_in_the_packs_is_one_the_russian_citation_reads():
    """A new form of article in a pack fails here, not in front of a lawyer."""
    unread = {
        (where, ref.article)
        for pack in load_packs()
        for where, ref in references(pack)
        if ref.article and russian(ref.article) is None
    }
    assert unread == set()


def test_every_reference_cited_in_russian_holds_no_english_word():
    packs = load_packs()
    acts = {a.id: a for p in packs for a in p.acts.values()}
    ids = [p.id for p in packs]
    english = []
    for pack in packs:
        texts = [(where, ref.cite(acts, "ru")) for where, ref in references(pack)]
        texts += [(where, pick(ref.note, "ru")) for where, ref in references(pack) if ref.note]
        texts += [(a.id, pick(a.note, "ru")) for a in pack.acts.values() if a.note]
        english += [(where, text, words) for where, text in texts if (words := latin_words(text, ids))]
    assert english == []


def test_the_check_finds_english():
    assert latin_words("Law on the republican budget for 2006") == ["Law", "on", "the", "republican", "budget", "for"]
    assert latin_words("Закон от 28.11.2014 № 259-V, art. 11") == ["art"]
    kept = "Anderson & Hancilova (2009), COMPAS WP 69; mintax.kz; month_norm_days; `x=false`; --set; подп. «a»"
    assert latin_words(kept) == []
    assert latin_words("пакеты до evidence 1.2.0", ["evidence"]) == []
