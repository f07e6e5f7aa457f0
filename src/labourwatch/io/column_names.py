"""What another survey's column of each canonical variable may be called, and how near a column's name or
label comes to it: the ranking behind `labourwatch map --suggest`. The phrasings, filler words, periods
and currency words are data (schema/column_names.yaml); this module only compares. It works per column,
never per record."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.forms.definition import LANGUAGES, question_text, questions
from labourwatch.i18n.yamlfiles import read_yaml
from labourwatch.packs import load_schema
from labourwatch.packs.paths import PACKAGE_ROOT

COLUMN_NAMES = PACKAGE_ROOT / "schema" / "column_names.yaml"
CONTAINED = (0.95, 0.85)  # a phrasing's words with only filler besides, or with one more word
LETTERS_MIN = 20  # shorter texts are compared by their words only: "wage" is a letter away from "age"
LETTERS_FLOOR = 0.6  # a resemblance of letters below this cannot make a match, even with a value-label bonus
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")  # units and notes: "(tenge)", "(полных лет)"
CYRILLIC = re.compile(r"[\u0400-\u04ff]+")


@dataclass(frozen=True)
class Vocabulary:
    filler: frozenset[str]
    markers: dict[str, str]  # a word that makes a phrasing mean another thing -> its kind (negation, ...)
    periods: dict[str, int]  # a word that names a period -> which period
    currencies: dict[str, str]  # a word that names a currency -> its pay_currency code
    amounts: frozenset[str]  # the variables whose currency pay_currency gives
    phrasings: dict[str, tuple[str, ...]]  # variable -> its phrasings, English then Russian


@dataclass(frozen=True)
class Phrase:
    """A name, label or phrasing as compared: its normalised text and what tells it from others."""

    text: str
    words: tuple[str, ...]  # the words that are not filler (all of them if every one is)
    periods: frozenset[int]
    markers: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    doc = read_yaml(COLUMN_NAMES)
    currencies = {word: code for code, words in doc["currencies"].items() for word in words}
    return Vocabulary(
        filler=frozenset(_both(doc["filler"])) | frozenset(currencies),  # "Wage, tenge" is a wage
        markers={word: kind for kind, words in doc["markers"].items() for word in _both(words)},
        periods={word: i for i, words in enumerate(doc["periods"]) for word in words},
        currencies=currencies,
        amounts=frozenset(doc["amounts"]),
        phrasings={name: tuple(_both(texts)) for name, texts in doc["variables"].items()},
    )


def _both(texts: dict[str, list[str]]) -> list[str]:
    return [*texts.get("en", []), *texts.get("ru", [])]


def tokens(text: str) -> list[str]:
    """The words of a text in lower case, ё as е, without a possessive 's or apostrophes; $ ₸ ₽ as words."""
    text = re.sub(r"['’]s\b", "", text.casefold().replace("ё", "е"))
    return re.findall(r"[^\W_]+|[$₸₽€]", re.sub(r"['’]", "", text))


def phrase(text: str) -> Phrase:
    vocab = vocabulary()
    words = tokens(BRACKETS.sub(" ", text))
    telling = tuple(w for w in words if w not in vocab.filler and not any(c.isdigit() for c in w))  # Q5, 2a
    return Phrase(
        " ".join(words),
        telling or tuple(words),
        frozenset(vocab.periods[w] for w in words if w in vocab.periods),
        frozenset(vocab.markers[w] for w in words if w in vocab.markers),
    )


@cache
def candidates() -> dict[str, tuple[Phrase, ...]]:
    """The variables a column may be placed on (the interview date and the form's questions), each with
    what such a column may be called: its name, labels, questions in every language, and phrasings."""
    variables, vocab = load_schema().variables, vocabulary()
    asked = {REFERENCE_DATE: list((variables[REFERENCE_DATE].question or {}).values())}
    asked |= {var.name: [question_text(var, lang) for lang in LANGUAGES] for var in questions()}
    return {
        name: tuple(
            dict.fromkeys(
                phrase(text) for text in [name, *variables[name].label.values(), *texts, *vocab.phrasings.get(name, ())]
            )
        )
        for name, texts in asked.items()
    }


class Source:
    """A column's name or label, to compare with many phrasings: its letters are indexed once."""

    def __init__(self, text: str) -> None:
        self.phrase = phrase(text)
        self._letters = difflib.SequenceMatcher(None, "", self.phrase.text)  # difflib indexes the second text

    def resemblance(self, wanted: Phrase) -> float:
        """1 for the same text; less for the wanted words among few others; else a resemblance of letters."""
        source = self.phrase
        if source.text == wanted.text:
            return 1.0
        if source.markers != wanted.markers or (source.periods - wanted.periods and wanted.periods - source.periods):
            return 0.0  # "No written contract", "Hours per week": near in letters, far in meaning
        extra = _extra_words(source.words, wanted.words)
        if extra == 0 or (extra == 1 and len(wanted.words) > 1):
            return CONTAINED[extra]
        return self._letters_like(wanted.text)

    def _letters_like(self, text: str) -> float:
        if min(len(text), len(self.phrase.text)) < LETTERS_MIN:
            return 0.0
        self._letters.set_seq1(text)
        if self._letters.real_quick_ratio() < LETTERS_FLOOR or self._letters.quick_ratio() < LETTERS_FLOOR:
            return 0.0  # the cheap upper bounds first: ratio() is the slow part of a draft
        return self._letters.ratio()


def _extra_words(words: tuple[str, ...], wanted: tuple[str, ...]) -> int | None:
    """How many more words the source has, if it has all the wanted ones in their order."""
    rest = iter(words)
    if all(any(same_word(word, want) for word in rest) for want in wanted):
        return len(words) - len(wanted)
    return None


@cache  # a draft asks about the same few hundred words again and again
def same_word(a: str, b: str) -> bool:
    """The same word, with another Russian ending (зарплата, зарплаты) or an English plural s."""
    if a == b or a + "s" == b or b + "s" == a:
        return True
    shorter = min(len(a), len(b))
    if shorter < 4 or abs(len(a) - len(b)) > 3 or not (CYRILLIC.fullmatch(a) and CYRILLIC.fullmatch(b)):
        return False
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return common >= max(shorter - 2, math.ceil(0.75 * shorter))


def id_column(columns: list[str], labels: dict[str, str]) -> str:
    """The column named or labelled exactly as a record id is (earlier phrasings first), else the first."""
    texts = {col: {phrase(col).text, phrase(labels.get(col, "")).text} for col in columns}
    for wanted in vocabulary().phrasings["id"]:
        text = phrase(wanted).text
        found = next((col for col in columns if text in texts[col]), None)
        if found is not None:
            return found
    return columns[0]


def ends_with_one_of(text: str, choices: Iterable[str]) -> bool:
    """Whether a name or label ends with one of the choices, word for word ("Why not change job: debt")."""
    words = tokens(text)
    return any(0 < len(w) <= len(words) and words[-len(w) :] == w for w in (tokens(c) for c in choices))


def currency_named(texts: Iterable[str]) -> str | None:
    """The currency the texts name ("Monthly wage (tenge)"), if they name exactly one."""
    vocab = vocabulary()
    found = {vocab.currencies[word] for text in texts for word in tokens(text) if word in vocab.currencies}
    return found.pop() if len(found) == 1 else None
