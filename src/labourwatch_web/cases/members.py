"""The organisation's people and their permissions, changed by its admin; every change goes to the audit
log as a permission event (who changed what for whom), never a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch_web.cases import audit
from labourwatch_web.cases.models import AuditEvent, Membership, Role
from labourwatch_web.cases.services import Refused


def members_of(admin: Any) -> QuerySet[Membership]:
    """The admin's organisation's people, by user name."""
    return (
        Membership.objects.filter(organisation_id=admin.membership.organisation_id)
        .select_related("user")
        .order_by("user__username")
    )


def member_for(admin: Any, pk: int) -> Membership:
    return get_object_or_404(members_of(admin), pk=pk)


def permission_changes(admin: Any) -> QuerySet[AuditEvent]:
    """Who changed which permission, newest first: the organisation's own log of its admins' acts."""
    events = AuditEvent.objects.filter(organisation_id=admin.membership.organisation_id)
    return events.filter(action=AuditEvent.Action.PERMISSION).order_by("-at")


def _logged(admin: Any, member: Membership, what: str, request: HttpRequest | None) -> None:
    audit.record(AuditEvent.Action.PERMISSION, admin, request=request, detail=f"{member.user.get_username()}: {what}")


@transaction.atomic
def add_member(admin: Any, username: str, role: str, request: HttpRequest | None = None) -> Membership:
    """A new user of the admin's organisation, without a password: they choose it themselves through the
    link `password_link` gives (and add a second factor at their first login). No admin knows it."""
    users = get_user_model()
    if role not in Role.values:
        raise Refused("web_refused_role", role=role)
    if not username or users.objects.filter(username=username).exists():
        raise Refused("web_refused_username", name=username)
    user = users(username=username)
    user.set_unusable_password()
    user.save()
    member = Membership.objects.create(user=user, organisation_id=admin.membership.organisation_id, role=role)
    _logged(admin, member, f"added as {role}", request)
    return member


def password_link(admin: Any, member: Membership, request: HttpRequest | None = None) -> str:
    """The path at which the member sets a password of their own: it works once, and not after
    PASSWORD_RESET_TIMEOUT (Django's password-reset token, which changes when the password does)."""
    uid = urlsafe_base64_encode(force_bytes(member.user.pk))
    _logged(admin, member, "set-password link issued", request)
    return reverse("welcome", args=[uid, default_token_generator.make_token(member.user)])


@transaction.atomic
def change_member(
    admin: Any,
    member: Membership,
    *,
    role: str | None = None,
    active: bool | None = None,
    may_export_identities: bool | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Change a member's role, whether they may log in, and whether they may export identities. An admin
    cannot take their own admin role or access away (the organisation would be left without one)."""
    if member.user_id == admin.pk and (role not in (None, Role.ADMIN) or active is False):
        raise Refused("web_refused_own_admin")
    if role is not None and role not in Role.values:
        raise Refused("web_refused_role", role=role)
    changes = []
    if role is not None and role != member.role:
        changes.append(f"role {member.role} -> {role}")
        member.role = role
    if may_export_identities is not None and may_export_identities != member.may_export_identities:
        changes.append(f"may export identities: {'yes' if may_export_identities else 'no'}")
        member.may_export_identities = may_export_identities
    if active is not None and active != member.user.is_active:
        changes.append("may log in" if active else "may not log in")
        member.user.is_active = active
        member.user.save(update_fields=["is_active"])
    if changes:
        member.save(update_fields=["role", "may_export_identities"])
    for what in changes:
        _logged(admin, member, what, request)


def reset_second_factor(admin: Any, member: Membership, request: HttpRequest | None = None) -> None:
    """For a lost phone: the member's authenticator devices are removed; they add a new one at next login."""
    TOTPDevice.objects.filter(user=member.user).delete()
    _logged(admin, member, "second factor reset", request)


def set_self_check(
    admin: Any, takes: bool, contact: str, languages: list[str], request: HttpRequest | None = None
) -> None:
    """Whether the admin's organisation takes requests for help from the workers' self-check, and what
    the page shows of it: its contact and the languages it helps in (codes of the self-check's)."""
    from labourwatch_web.cases.selfcheck import languages as offered  # the self-check's own list

    unknown = [code for code in languages if code not in offered()]
    if unknown:
        raise Refused("web_refused_language", code=unknown[0][:10])
    if takes and not contact.strip():
        raise Refused("web_refused_contact")
    organisation = admin.membership.organisation
    organisation.takes_self_check, organisation.contact = takes, contact.strip()[:300]
    organisation.languages = " ".join(code for code in offered() if code in languages)
    organisation.save(update_fields=["takes_self_check", "contact", "languages"])
    what = f"self-check: {'takes requests' if takes else 'takes none'} ({organisation.languages or '-'})"
    audit.record(AuditEvent.Action.PERMISSION, admin, request=request, detail=what)
