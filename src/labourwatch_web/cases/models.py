"""Organisations, their people and roles, cases, their history, and the audit log.

Which cases a user may see is decided in one place, `CaseQuerySet.visible_to`; views and the API reach
cases only through it (cases/selectors.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    CASEWORKER = "caseworker"  # own and assigned cases
    SUPERVISOR = "supervisor"  # every case of the organisation, approvals
    LAWYER = "lawyer"  # cases with a legal claim
    ADMIN = "admin"  # the organisation's users, no cases
    RESEARCHER = "researcher"  # aggregates only, never a person


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    keys = models.BinaryField()  # data and index keys, wrapped by the master key (cases/crypto.py)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices)
    may_export_identities = models.BooleanField(default=False)  # granted by the organisation's admin, logged


def membership_of(user: Any) -> Membership | None:
    """The user's place in an organisation; None for the anonymous and for users of no organisation."""
    return getattr(user, "membership", None) if user is not None and user.is_authenticated else None


class Person(models.Model):
    """A worker. Everything that names or reaches them is encrypted; the rest is not identifying alone."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    name_sealed = models.BinaryField()
    document_sealed = models.BinaryField(null=True)
    phone_sealed = models.BinaryField(null=True)
    address_sealed = models.BinaryField(null=True)
    sex = models.CharField(max_length=10, blank=True)
    citizenship = models.CharField(max_length=3, blank=True)


class NameToken(models.Model):
    """One keyed hash of one part of a person's name (cases/crypto.py): a search looks tokens up in an
    index instead of reading every person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=24, db_index=True)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """The only gate to cases: the organisation's, narrowed by the user's role."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        mine = self.filter(organisation_id=membership.organisation_id)
        if membership.role == Role.SUPERVISOR:
            return mine
        if membership.role == Role.CASEWORKER:
            return mine.filter(models.Q(assigned_to=user) | models.Q(created_by=user))
        if membership.role == Role.LAWYER:
            return mine.filter(legal_claim=True)
        return self.none()  # admins manage users; researchers see aggregates only


class Status(models.TextChoices):
    OPEN = "open"
    CLOSING = "closing"  # a caseworker asked to close it: a supervisor approves (closed) or reopens it
    CLOSED = "closed"


class Case(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveIntegerField()  # within the organisation; the URL carries the row id, no name
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened = models.DateField(default=timezone.localdate)
    closed = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_claim = models.BooleanField(default=False)
    employer = models.CharField(max_length=200, blank=True)  # as the worker names it
    work_site = models.CharField(max_length=200, blank=True)  # town and place of work
    answers = models.JSONField(default=dict)  # the worker's answers on the canonical variables
    version = models.PositiveIntegerField(default=1)  # optimistic locking: an edit names the version it read
    screening = models.JSONField(default=dict)  # the core's findings for this version (services.screening_of)

    objects = CaseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="case_number_per_org")]
        indexes = [models.Index(fields=["organisation", "-opened", "-number"], name="case_list_order")]  # the list


class Service(models.Model):
    """One step of the plan of assistance: what, by when, and whether it was done."""

    class Kind(models.TextChoices):
        DOCUMENTS = "documents"  # recover identity documents
        SHELTER = "shelter"
        MEDICAL = "medical"
        LEGAL_CLAIM = "legal_claim"
        RETURN_HOME = "return_home"
        FOLLOW_UP = "follow_up"
        OTHER = "other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due = models.DateField(null=True, blank=True)
    done = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Note(models.Model):
    """A caseworker's note on the case: free text, so sealed like an identity (it may name anyone)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text_sealed = models.BinaryField()


class CaseChange(models.Model):
    """The history of a case: every change, by whom and when (identity values are never copied here)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    what = models.JSONField()  # {field: [old, new]}


class AuditEvent(models.Model):
    """Append-only: the application never updates or deletes a row, and the database refuses to
    (triggers in the migration, on SQLite and PostgreSQL alike)."""

    class Action(models.TextChoices):
        LOGIN = "login"
        LOGIN_FAILED = "login_failed"
        SECOND_FACTOR = "second_factor"
        LOGOUT = "logout"
        VIEW_CASE = "view_case"
        CREATE_CASE = "create_case"
        CHANGE_CASE = "change_case"
        SEARCH = "search"
        EXPORT = "export"
        PERMISSION = "permission"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    username = models.CharField(max_length=150)  # as typed, for failed logins
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, related_name="audit")
    address = models.GenericIPAddressField(null=True)
    detail = models.CharField(max_length=200, blank=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")
