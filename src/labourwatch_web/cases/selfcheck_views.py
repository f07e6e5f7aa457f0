"""The worker's self-check: public pages in six languages, no login, no cookie, no script. The answers
travel from screen to screen in the form itself (hidden fields, by POST: never in a URL), so the server
keeps nothing until the worker asks for help."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from labourwatch_web.cases import selfcheck

HOUR = 3600


def _page(request: HttpRequest, lang: str, template: str, **context: Any) -> HttpResponse:
    return render(
        request,
        f"selfcheck/{template}",
        {"lang": lang, "txt": selfcheck.texts(lang), "draft": selfcheck.is_draft(lang), **context},
    )


def _language(lang: str) -> str:
    if lang not in selfcheck.languages():
        raise Http404(lang)
    return lang


def choose(request: HttpRequest) -> HttpResponse:
    """The six languages, each in its own name."""
    return render(request, "selfcheck/choose.html", {"languages": selfcheck.languages()})


def _carried(answers: Mapping[str, str], shown: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The answers of the other screens, carried as hidden fields."""
    return [(name, value) for name, value in answers.items() if name not in shown]


def _screen(request: HttpRequest, lang: str, at: int, answers: dict[str, str], errors: list[str]) -> HttpResponse:
    screen = selfcheck.screens()[at]
    return _page(
        request,
        lang,
        "screen.html",
        at=at,
        screen=screen,
        title=selfcheck.text(f"screen_{screen.id}", lang),
        step=selfcheck.text("step", lang, n=at + 1, of=len(selfcheck.screens())),
        last=at == len(selfcheck.screens()) - 1,
        questions=selfcheck.questions_of(screen, answers, lang),
        carried=_carried(answers, screen.questions),
        errors=errors,
    )


@csrf_exempt  # no session and nothing stored: there is nothing for a forged request to reach
def check(request: HttpRequest, lang: str) -> HttpResponse:
    """The intro (GET); then each screen, going on or back (POST), and the result after the last."""
    lang = _language(lang)
    if request.method != "POST":
        return _page(request, lang, "intro.html", languages=selfcheck.languages())
    answers = selfcheck.read(request.POST)
    at = _int(request.POST.get("at"), -1)
    go = request.POST.get("go", "next")
    if go == "back" and at > 0:
        return _screen(request, lang, at - 1, answers, [])
    if go == "back":
        return _page(request, lang, "intro.html", languages=selfcheck.languages())
    errors = selfcheck.problems(answers, lang) if at >= 0 else []
    if errors:
        return _screen(request, lang, at, answers, errors)
    if go == "result" or at + 1 >= len(selfcheck.screens()):
        return _result(request, lang, answers)
    return _screen(request, lang, at + 1, answers, [])


def _int(value: str | None, default: int) -> int:
    try:
        return min(max(int(value or ""), -1), len(selfcheck.screens()) - 1)
    except ValueError:
        return default


def _result(request: HttpRequest, lang: str, answers: dict[str, str]) -> HttpResponse:
    return _page(
        request,
        lang,
        "result.html",
        result=selfcheck.result(answers, lang),
        helpers=selfcheck.helpers(lang),
        hotline=settings.LABOURWATCH_HOTLINE,
        carried=_carried(answers),
    )


@csrf_exempt
def ask(request: HttpRequest, lang: str) -> HttpResponse:
    """The request for help: the form (the answers carried), then, with consent, the case sent."""
    lang = _language(lang)
    if request.method != "POST":
        raise Http404("the request for help comes from the result page")
    answers = selfcheck.read(request.POST)
    context = {"carried": _carried(answers), "helpers": selfcheck.helpers(lang), "post": request.POST}
    if request.POST.get("send") != "1":
        return _page(request, lang, "ask.html", errors=[], **context)
    if _sent_from(request) >= settings.SELF_CHECK_SENDS_PER_HOUR:
        return _page(request, lang, "ask.html", errors=[selfcheck.text("too_many", lang)], **context)
    try:
        case = selfcheck.send(
            answers,
            _int_or_none(request.POST.get("organisation")),
            request.POST.get("name", "")[:200],
            request.POST.get("contact", "")[:200],
            request.POST.get("consent") == "yes",
            lang,
        )
    except selfcheck.NotSent as refused:
        return _page(request, lang, "ask.html", errors=refused.reasons, **context)
    _sent_from(request, add=1)
    return _page(request, lang, "sent.html", organisation=case.organisation)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _sent_from(request: HttpRequest, add: int = 0) -> int:
    """How many requests for help this address sent in the last hour (after adding `add`): the address
    is kept only as a keyed hash, in memory, for the hour. (A mobile network puts many phones behind one
    address, so the limit is well above what one person sends.)"""
    address = request.META.get("REMOTE_ADDR", "")
    key = "selfcheck:" + hashlib.sha256(f"{settings.SECRET_KEY}{address}".encode()).hexdigest()[:32]
    cache.add(key, 0, HOUR)
    return int(cache.incr(key, add) if add else cache.get(key, 0))
