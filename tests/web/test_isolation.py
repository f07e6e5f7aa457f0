"""Every endpoint, for a user of another organisation and for roles that see no person: nothing of
organisation A's cases comes back, and nothing of them changes (0 leaks, counted over all endpoints)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from labourwatch_web.cases import demo, services
from labourwatch_web.cases.models import Case, Membership, Role
from tests.web.conftest import cases_of


def routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL route of the application, as written (with its converters)."""
    out: list[str] = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            out += routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def urls_for(case_ids: list[int], member_ids: list[int] = [], referral_ids: list[int] = []) -> list[str]:  # noqa: B006
    out = []
    for route in routes():
        if "<int:member>" in route:
            out += ["/" + route.replace("<int:member>", str(pk)) for pk in member_ids]
        elif "<int:referral>" in route:
            out += ["/" + route.replace("<int:referral>", str(pk)) for pk in referral_ids]
        elif "<int:pk>" in route or "<case_id>" in route:
            for inner in ("<int:service>", "<int:consent>", "<int:stage>"):
                route = route.replace(inner, "1")
            route = route.replace("<case_id>", "<int:pk>")
            out += ["/" + route.replace("<int:pk>", str(pk)) for pk in case_ids]
        else:
            out.append("/" + route.replace("<uidb64>/<token>", "MQ/set-password").replace("<str:lang>", "ru"))
    return out


def secrets_of(cases: list[Case]) -> list[str]:
    """What must never reach another organisation: names, documents, phones, addresses."""
    found = []
    for case in cases:
        who = services.identity_of(case.person)
        found += [s for s in (who.name, *who.name.split(), who.document, who.phone, who.address) if s]
    return found


def leaks(client, urls: list[str], secrets: list[str]) -> list[str]:
    """Each URL by GET and POST (logging out last), with a search in the other script: the results, not
    the query echoed back, would hold a name."""
    found = []
    data = {"q": "Nurlan", "name": "x", "reason": "x", "version": "1", "role": "admin", "decision": "approve"}
    for url in sorted(urls, key=lambda u: u == "/logout/"):
        for method in (client.get, client.post):
            as_json = {"content_type": "application/json"} if url.startswith("/api/") and method == client.post else {}
            response = method(url, data, **as_json)
            body = response.content.decode("utf-8", "replace")
            if response.get("Content-Type", "").startswith("application/json"):
                body = json.dumps(json.loads(body), ensure_ascii=False)  # names escaped as \\u in JSON
            found += [f"{method.__name__} {url}: {s}" for s in secrets if s in body]
    return found


def test_the_routes_are_all_known():
    """A new endpoint must be added here knowingly: the leak tests below then cover it."""
    pages = ["", "login/", "logout/", "two-factor/", "i18n/setlang/", "cases/", "cases/new/", "cases/<int:pk>/"]
    ends = ("answers/", "close/", "closure/", "assign/", "claim/", "services/", "notes/", "consents/", "refer/")
    pages += [f"cases/<int:pk>/{end}" for end in ends]
    pages += ["cases/<int:pk>/services/<int:service>/done/", "cases/export.csv", "cases/evidence.csv", "counts/"]
    pages += ["cases/htcds/", "cases/htcds.csv", "cases/import/"]
    pages += [
        "people/",
        "people/<int:member>/",
        "people/<int:member>/second-factor/",
        "people/<int:member>/password-link/",
        "people/self-check/",
    ]
    pages += ["welcome/<uidb64>/<token>/", "cases/<int:pk>/consents/<int:consent>/withdraw/"]
    pages += ["cases/<int:pk>/consents/<int:consent>/file/", "claims/", "tasks/", "dashboard/"]
    pages += ["cases/<int:pk>/plan/approve/"]
    pages += [f"cases/<int:pk>/legal-claim/{end}" for end in ("", "stages/", "recovered/")]
    pages += ["cases/<int:pk>/legal-claim/stages/<int:stage>/document/"]
    pages += ["referrals/", "referrals/<int:referral>/", "referrals/<int:referral>/answer/"]
    pages += ["referrals/<int:referral>/revoke/"]
    pages += ["check/", "check/<str:lang>/", "check/<str:lang>/help/"]  # public: the worker's own check
    api = ["api/", "api/openapi.json", "api/cases", "api/cases", "api/cases/search", "api/cases/<case_id>"]
    api += ["api/cases/<case_id>/answers", "api/cases/<case_id>/close"]
    assert sorted(routes()) == sorted(pages + api)


@pytest.mark.parametrize(
    "user", ["other-caseworker", "other-supervisor", "other-admin", "researcher", "admin", "anonymous"]
)
def test_nothing_of_another_organisation_or_any_person_leaks(seeded, login, client, user):
    a, b = seeded
    mine = cases_of(a)
    before = {c.pk: (c.version, c.status, dict(c.answers), c.services.count(), c.notes.count()) for c in mine}
    if user == "other-admin":
        admin = get_user_model().objects.create_user(user, password=demo.PASSWORD)
        Membership.objects.create(user=admin, organisation=b, role=Role.ADMIN)
    if user != "anonymous":
        login(user)
    people = permissions(a)  # once logged in (the login adds the user's authenticator)
    urls = urls_for([c.pk for c in mine], [m.pk for m in a.members.all()])
    assert leaks(client, urls, secrets_of(mine)) == []
    if user != "admin":  # the organisation's own admin may change its people's roles: not a leak
        assert permissions(a) == people
    after = {
        c.pk: (c.version, c.status, dict(c.answers), c.services.count(), c.notes.count())
        for c in Case.objects.filter(organisation=a)
    }
    assert after == before


def permissions(organisation) -> list[tuple]:
    """Who may do what in the organisation: what another organisation's user must not change."""
    members = organisation.members.select_related("user").order_by("pk")
    return [
        (m.user.username, m.role, m.may_export_identities, m.user.is_active, m.user.totpdevice_set.count())
        for m in members
    ]


def test_the_leak_count_finds_a_leak(seeded, login, client):
    """The counter itself: organisation A's own caseworker does see the names (not a test that cannot fail)."""
    a, _ = seeded
    mine = cases_of(a)
    login("caseworker")
    found = leaks(client, urls_for([c.pk for c in mine]), secrets_of(mine))
    assert len(found) > 10 and any("/api/cases/" in leak and "Нурлан" in leak for leak in found)


def test_a_caseworker_sees_only_their_own_cases_and_a_lawyer_only_legal_claims(seeded, login):
    a, _ = seeded
    client = login("lawyer")
    body = client.get("/cases/").content.decode()
    claims = [c for c in cases_of(a) if c.legal_claim]
    others = [c for c in cases_of(a) if not c.legal_claim]
    assert claims and others
    assert all(services.identity_of(c.person).name in body for c in claims)
    assert not any(services.identity_of(c.person).name in body for c in others)
    assert client.get(f"/cases/{others[0].pk}/").status_code == 404
    own = login("other-caseworker").get("/cases/").content.decode()
    assert re.search(r"Шухрат Каримов", own) and "Нурлан" not in own
