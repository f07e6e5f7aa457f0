"""Template tags: `{% t "key" %}` gives a text of labourwatch's message catalogue (i18n/messages.yaml) in
the page's language, so the web application and the command line say the same things the same way."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from labourwatch.core.types import pick
from labourwatch.i18n import t as translate

register = template.Library()


@register.simple_tag
def t(key: str, **params: Any) -> str:
    return translate(key, translation.get_language() or "ru", **params)


@register.filter
def text(value: Any) -> str:
    """A {en, ru} text of a pack or the schema in the page's language."""
    return pick(value, translation.get_language() or "ru") if isinstance(value, dict) else str(value)


@register.filter
def ddmmyyyy(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


@register.filter
def label(code: str, prefix: str) -> str:
    """A code by its text in the catalogue: `{{ referral.kind|label:"web_referral_" }}`."""
    return translate(f"{prefix}{code}", translation.get_language() or "ru")


@register.filter
def labels(codes: list[str], prefix: str) -> str:
    """Codes by their texts, joined: `{{ consent.shares|labels:"web_share_" }}`."""
    return ", ".join(label(code, prefix) for code in codes)


@register.simple_tag
def sc_text(key: str, lang: str, **params: Any) -> str:
    """A text of the worker's self-check in its language: `{% sc_text "hotline" lang number=hotline %}`."""
    from labourwatch_web.cases.selfcheck import text as self_check_text  # the models load after the tags

    return self_check_text(key, lang, **params)
