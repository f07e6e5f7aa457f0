"""Thin views of the organisation as a whole: its people and their permissions (admins), its counts
(researchers and supervisors), and exports of cases (whoever sees them, identities only by permission)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_schema
from labourwatch_web.cases import aggregates, audit, exports, htcds, imports, members, selfcheck, services
from labourwatch_web.cases.models import AuditEvent, Membership, Role
from labourwatch_web.cases.views import CASE_ROLES, _lang, attachment, forbidden, member_required, say_refused

CSV = "text/csv; charset=utf-8"


@member_required(Role.ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            member = members.add_member(
                request.user, request.POST.get("username", "").strip()[:150], request.POST.get("role", ""), request
            )
            return _people_page(request, link_for=member)
        except services.Refused as refused:
            say_refused(request, refused)
    return _people_page(request)


def _people_page(request: HttpRequest, link_for: Membership | None = None) -> HttpResponse:
    """The list of people; after an admin adds someone or asks for a new link, the one-time link to pass
    on to them (shown once, never stored)."""
    link = None
    if link_for is not None:
        link = (
            link_for.user.get_username(),
            request.build_absolute_uri(members.password_link(request.user, link_for, request)),
        )
    context = {
        "members": members.members_of(request.user),
        "roles": [(r, t(f"web_role_{r}", _lang())) for r in Role.values],
        "changes": members.permission_changes(request.user)[:50],
        "link": link,
        "organisation": request.user.membership.organisation,
        "self_check_languages": selfcheck.languages(),
    }
    return render(request, "people/list.html", context)


@member_required(Role.ADMIN)
@require_POST
def self_check(request: HttpRequest) -> HttpResponse:
    """What the workers' self-check shows of the organisation, and whether it takes their requests."""
    post = request.POST
    try:
        members.set_self_check(
            request.user, post.get("takes") == "1", post.get("contact", ""), post.getlist("languages"), request
        )
    except services.Refused as refused:
        say_refused(request, refused)
    return redirect("people:list")


@member_required(Role.ADMIN)
@require_POST
def new_password_link(request: HttpRequest, member: int) -> HttpResponse:
    """For a forgotten password: a new link (the old password works until the link is used)."""
    return _people_page(request, link_for=members.member_for(request.user, member))


class WelcomeView(auth_views.PasswordResetConfirmView):
    """A new member (or one who forgot) chooses their password from the admin's link; logged."""

    template_name = "registration/welcome.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            AuditEvent.Action.PERMISSION,
            form.user,
            request=self.request,
            detail=f"{form.user.get_username()}: password set",
        )
        return response


@member_required(Role.ADMIN)
@require_POST
def person_change(request: HttpRequest, member: int) -> HttpResponse:
    membership = members.member_for(request.user, member)
    if "role" not in request.POST:  # the whole form or nothing: an unticked box is a "no" only within it
        return redirect("people:list")
    try:
        members.change_member(
            request.user,
            membership,
            role=request.POST.get("role") or None,
            active=request.POST.get("active") == "1",
            may_export_identities=request.POST.get("may_export_identities") == "1",
            request=request,
        )
    except services.Refused as refused:
        say_refused(request, refused)
    return redirect("people:list")


@member_required(Role.ADMIN)
@require_POST
def second_factor_reset(request: HttpRequest, member: int) -> HttpResponse:
    members.reset_second_factor(request.user, members.member_for(request.user, member), request)
    return redirect("people:list")


@member_required(Role.RESEARCHER, Role.SUPERVISOR)
def counts(request: HttpRequest) -> HttpResponse:
    lang = _lang()
    rules, sectors = services.rules(), load_schema().variables["sector"].values

    def label(dimension: str, value: str) -> str:
        if dimension == "findings" and value in rules:
            return pick(rules[value].label, lang)
        if dimension == "situation" and value in rules["situation"].labels:
            return pick(rules["situation"].labels[value], lang)
        if dimension == "sector" and value in sectors:
            return pick(sectors[value], lang)
        return t(value, lang) if value in ("unknown", "total") else value

    tables = aggregates.aggregates(request.user, "total")
    shown = [
        {
            "title": t(f"web_by_{dimension}", lang),
            "rows": [(label(dimension, name), cells) for name, cells in table.rows],
        }
        for dimension, table in tables.items()
    ]
    return render(request, "people/counts.html", {"tables": shown, "threshold": aggregates.POLICY.threshold})


@member_required(*CASE_ROLES)
def export(request: HttpRequest) -> HttpResponse:
    identities = request.GET.get("identities") == "1"
    try:
        text = exports.export_cases(request.user, identities=identities, request=request)
    except exports.NotAllowed:
        return forbidden(request)
    return attachment(text, CSV, f"cases-{timezone.localdate():%Y-%m-%d}{'-identities' if identities else ''}.csv")


@member_required(*CASE_ROLES)
def evidence(request: HttpRequest) -> HttpResponse:
    """The user's cases de-identified, as a survey file for `labourwatch assess` and `report`."""
    text = exports.export_evidence(request.user, request=request)
    return attachment(text, CSV, f"cases-evidence-{timezone.localdate():%Y-%m-%d}.csv")


@member_required(Role.SUPERVISOR)
def htcds_check(request: HttpRequest) -> HttpResponse:
    """The HTCDS export before it leaves: how many records, how many withheld for k-anonymity."""
    return render(request, "people/htcds.html", {"release": htcds.prepare(request.user), "k": htcds.K})


@member_required(Role.SUPERVISOR)
def htcds_file(request: HttpRequest) -> HttpResponse:
    text = htcds.release(request.user, request).csv()
    return attachment(text, CSV, f"cases-htcds-{timezone.localdate():%Y-%m-%d}.csv")


UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes of a case list or a mapping file


@member_required(Role.SUPERVISOR)
def case_import(request: HttpRequest) -> HttpResponse:
    """An existing case list (Excel or CSV) and its mapping file: all the cases opened, or none and every
    rejected value listed."""
    context: dict[str, Any] = {"rejected": [], "total": 0, "imported": None}
    if request.method == "POST":
        source, mapping = request.FILES.get("cases"), request.FILES.get("mapping")
        if source is None or mapping is None or max(source.size or 0, mapping.size or 0) > UPLOAD_LIMIT:
            messages.error(request, t("web_import_files", _lang()))
            return render(request, "people/import.html", context)
        with tempfile.TemporaryDirectory() as folder:
            cases, mapped = _saved(Path(folder) / "cases", source), _saved(Path(folder) / "mapping", mapping)
            try:
                context["imported"] = imports.import_cases(request.user, cases, mapped, _lang(), request)
            except imports.Refused as refused:
                messages.error(request, refused.text(_lang()))
                context.update(rejected=refused.rejected, total=refused.total)
            except LabourwatchError as error:  # the file cannot be read, or the mapping is wrong
                messages.error(request, error.text(_lang()))
    return render(request, "people/import.html", context)


def _saved(stem: Path, upload: Any) -> Path:
    """An upload saved as `stem` with the suffix of its own name (which says how to read it)."""
    path = stem.with_suffix(Path(upload.name or "").suffix.lower()[:10])
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path
