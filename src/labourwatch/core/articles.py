"""Articles of the law as a lawyer of the language cites them.

Packs write articles the English way ("art. 104(1)", "arts. 103–104", "para. 2", "Table 3"). Russian
legal writing abbreviates differently and names the smallest part first: "п. 1 ст. 104", "подп. 2 п. 1
ст. 160", "ст. 103–104". An article this module cannot read is cited as written, never dropped or
guessed: tests/packs/test_references.py reads every article of the packs, so a new form fails a test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# One article: its number (34-1 is an article inserted after 34), then paragraph and subparagraph in
# brackets, the last of which may be a range ("3(a)–(d)"); or a range of whole articles ("103–104").
_NUMBER = r"\d+(?:-\d+)?"
_ITEM = re.compile(rf"(?P<number>{_NUMBER})(?P<parts>(?:\(\w+\))*)(?:–(?P<to>{_NUMBER}|\(\w+\)))?")
_ARTICLES = re.compile(r"arts?\. (?P<items>.+)")
_OTHER = {  # a paragraph of an instrument without articles (the ICLS Guidelines), a table of a paper
    re.compile(r"para\. (?P<n>\d+)"): "п. {n}",
    re.compile(r"paras\. (?P<n>\d+(?:–\d+)?)"): "пп. {n}",
    re.compile(r"Table (?P<n>\d+)"): "табл. {n}",
}


def article_in(article: str, lang: str) -> str:
    """The article as cited in `lang`; as written where the language or the form is not known."""
    return (russian(article) if lang == "ru" else None) or article


def articles_in(articles: Sequence[str], lang: str) -> str:
    """Several articles of one act, cited together: "ст. 45, 46, 50–51" rather than "ст. 45, ст. 46"."""
    if lang == "ru":
        items = [_items(a) for a in articles]
        if all(i is not None for i in items):
            return _join([item for found in items if found is not None for item in found])
    return ", ".join(article_in(a, lang) for a in articles)


def russian(article: str) -> str | None:
    """The Russian citation of an article as the packs write it; None when the form is not one of them."""
    for pattern, form in _OTHER.items():
        if m := pattern.fullmatch(article):
            return form.format(**m.groupdict())
    items = _items(article)
    return _join(items) if items is not None else None


def _items(article: str) -> list[tuple[str, bool]] | None:
    """Each article named, in Russian, and whether it is a whole article (to share one "ст.")."""
    m = _ARTICLES.fullmatch(article)
    if m is None:
        return None
    out = []
    for text in m["items"].split(", "):
        item = _ITEM.fullmatch(text)
        found = _item(item) if item else None
        if found is None:
            return None
        out.append(found)
    return out


def _item(m: re.Match[str]) -> tuple[str, bool] | None:
    number, to = m["number"], m["to"]
    parts = re.findall(r"\((\w+)\)", m["parts"])
    ranged = to is not None and to.startswith("(")  # a range of the last part: "3(a)–(d)"
    if to is not None and not ranged:  # a range of whole articles: "103–104"
        return (f"{number}–{to}", True) if not parts else None
    if not parts:
        return (number, True) if not ranged else None
    if len(parts) > 2:
        return None
    # A second level, or a lettered first one (the UN instruments' "3(a)"), is a subparagraph.
    names = ["п.", "подп."] if len(parts) == 2 else ["п." if parts[0].isdigit() else "подп."]
    labels = [_label(p) for p in parts]
    if ranged:
        labels[-1] += "–" + _label(to[1:-1])
    named = [f"{name} {label}" for name, label in zip(names, labels, strict=True)]
    return " ".join([*reversed(named), f"ст. {number}"]), False


def _label(part: str) -> str:
    """A numbered part as its number; a lettered one in quotes, as Russian legal writing cites it."""
    return part if part.isdigit() else f"«{part}»"


def _join(items: list[tuple[str, bool]]) -> str:
    """Whole articles in a row share one "ст."; an article cited by its parts names its own."""
    out: list[str] = []
    run: list[str] = []
    for text, whole in items:
        if whole:
            run.append(text)
            continue
        if run:
            out.append("ст. " + ", ".join(run))
            run = []
        out.append(text)
    if run:
        out.append("ст. " + ", ".join(run))
    return ", ".join(out)
