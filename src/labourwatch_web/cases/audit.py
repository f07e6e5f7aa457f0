"""Writing the audit log: who did what to which case, when, from where. Never a name or a value."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from labourwatch_web.cases.models import AuditEvent, Case, membership_of


def client_address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    user: Any,
    *,
    request: HttpRequest | None = None,
    case: Case | None = None,
    username: str = "",
    detail: str = "",
) -> AuditEvent:
    membership = membership_of(user)
    return AuditEvent.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None and user.is_authenticated else ""),
        organisation_id=membership.organisation_id if membership else (case.organisation_id if case else None),
        case=case,
        address=client_address(request),
        detail=detail[:200],
    )
