"""Articles cited as a lawyer of the language cites them: in Russian the abbreviations of Russian legal
writing, the smallest part first; what cannot be read is cited as written, never dropped."""

from __future__ import annotations

from datetime import date

import pytest

from labourwatch.core.articles import article_in, articles_in, russian
from labourwatch.core.model import Act, LegalRef, Status


@pytest.mark.parametrize(
    ("article", "cited"),
    [
        ("art. 45", "ст. 45"),  # an article
        ("art. 34-1", "ст. 34-1"),  # an article inserted after art. 34
        ("art. 104(1)", "п. 1 ст. 104"),  # its paragraph, named first
        ("art. 160(1)(2)", "подп. 2 п. 1 ст. 160"),  # a subparagraph of a paragraph
        ("art. 3(a)", "подп. «a» ст. 3"),  # a lettered subparagraph of a UN instrument
        ("art. 3(a)–(d)", "подп. «a»–«d» ст. 3"),  # a range of them
        ("arts. 103–104", "ст. 103–104"),  # a range of articles
        ("arts. 78, 181", "ст. 78, 181"),  # a list of articles shares one "ст."
        ("arts. 1(1)(6), 73, 75", "подп. 6 п. 1 ст. 1, ст. 73, 75"),  # a part, then whole articles
        ("para. 2", "п. 2"),  # a paragraph of an instrument without articles (the ICLS Guidelines)
        ("paras. 2–3", "пп. 2–3"),
        ("Table 3", "табл. 3"),  # a table of a paper
    ],
)
def test_each_form_is_cited_the_russian_way(article, cited):
    assert russian(article) == cited
    assert article_in(article, "ru") == cited


@pytest.mark.parametrize(
    "article",
    [
        "art. 69 (1999 Law art. 46)",  # another act's article: its title cannot be translated here
        "art. 1(1)(2)(3)",  # deeper than a subparagraph
        "arts. 103(1)–104",  # a range from a paragraph to an article
        "section 5",  # not a form the packs write
        "art. 45; art. 46",
    ],
)
def test_a_form_it_cannot_read_is_cited_as_written(article):
    assert russian(article) is None
    assert article_in(article, "ru") == article


def test_english_and_other_languages_keep_the_article_as_written():
    assert article_in("art. 160(1)(2)", "en") == "art. 160(1)(2)"
    assert article_in("art. 160(1)(2)", "kk") == "art. 160(1)(2)"


def test_several_articles_of_one_act_are_cited_together():
    assert articles_in(["art. 45", "art. 46", "arts. 50–51"], "ru") == "ст. 45, 46, 50–51"
    assert articles_in(["art. 45", "art. 104(1)", "art. 46"], "ru") == "ст. 45, п. 1 ст. 104, ст. 46"
    assert articles_in(["art. 45", "art. 46"], "en") == "art. 45, art. 46"
    # one that cannot be read keeps its own words; the others are still cited the Russian way
    assert articles_in(["art. 45", "section 5"], "ru") == "ст. 45, section 5"


def test_a_reference_cites_its_title_and_article_in_the_language():
    acts = {
        "code": Act("code", {"en": "Labour Code", "ru": "Трудовой кодекс"}, date(2016, 1, 1), None, Status.VERIFIED)
    }
    ref = LegalRef(act="code", article="art. 113(1)")
    assert ref.cite(acts, "en") == "Labour Code, art. 113(1)"
    assert ref.cite(acts, "ru") == "Трудовой кодекс, п. 1 ст. 113"
    own = LegalRef(title={"en": "Law of 28 Nov 2014 No. 259-V", "ru": "Закон от 28.11.2014 № 259-V"}, article="art. 11")
    assert own.cite(acts, "ru") == "Закон от 28.11.2014 № 259-V, ст. 11"
    assert own.source(acts, "en") == "Law of 28 Nov 2014 No. 259-V"
