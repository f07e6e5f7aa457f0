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
    # What the public self-check page shows of it, when it takes requests for help from there:
    takes_self_check = models.BooleanField(default=False)
    contact = models.CharField(max_length=300, blank=True)  # a phone, an address: how workers reach it
    languages = models.CharField(max_length=60, blank=True)  # the codes of the languages it helps in

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
    created_by = models.ForeignKey(  # None: the worker sent it from the self-check page
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_language = models.CharField(max_length=5, blank=True)  # the self-check's language: speak it
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
        ASSESSMENT = "assessment"  # assess the worker's situation and needs
        PLAN_REVIEW = "plan_review"  # review the plan with the worker
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
    approved_by = models.ForeignKey(  # a supervisor approved the plan this step is part of
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)


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


class Share(models.TextChoices):
    """The parts of a case a worker may agree to share with another organisation."""

    NAME = "name"  # the worker's name
    CONTACTS = "contacts"  # document number, phone, address
    ANSWERS = "answers"  # the questionnaire's answers, the employer and the place of work
    SCREENING = "screening"  # the findings and the situation
    PLAN = "plan"  # the services planned and done


class Consent(models.Model):
    """The worker's consent to share parts of their case with one organisation: what, to whom, when and
    how it was given; withdrawn from a day on (which ends the referrals made under it)."""

    class How(models.TextChoices):
        SIGNED = "signed"  # a signed form, kept by the organisation
        SPOKEN = "spoken"  # said to the caseworker, who records it
        WRITTEN = "written"  # by message or e-mail

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    to_outside = models.CharField(max_length=200, blank=True)  # an organisation outside this installation
    shares = models.JSONField()  # Share values
    given_on = models.DateField()
    how = models.CharField(max_length=10, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)


class Referral(models.Model):
    """A case referred to another organisation of the installation for one service (the case stays), or
    transferred to it (the case moves, when it accepts). The receiver sees only the parts shared, while
    the referral is pending or accepted."""

    class Kind(models.TextChoices):
        REFERRAL = "referral"
        TRANSFER = "transfer"

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        REVOKED = "revoked"  # by the organisation that made it, or by the worker withdrawing consent

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    number = models.PositiveIntegerField()  # the case's number at the organisation that made the referral
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_made")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_received")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.CharField(max_length=20, choices=Service.Kind.choices)
    shares = models.JSONField()  # Share values, as consented (or as a supervisor decided without consent)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, related_name="referrals")
    override_reason = models.CharField(max_length=300, blank=True)  # why a supervisor referred without consent
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    answered_at = models.DateTimeField(null=True)
    reason = models.CharField(max_length=300, blank=True)  # of a rejection or a revocation


class Claim(models.Model):
    """The case's wage claim, carried from the demand to the employer to the enforcement of a judgement:
    the amounts of its arrears when it was built (the statement shows their items, articles and the law
    of each day), its stages, and the money recovered."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="claim")
    built_on = models.DateField(default=timezone.localdate)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    amounts = models.JSONField()  # tenge to the tiyn, as text: due by item, due_total, received, owed ...
    recovered = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)


class ClaimStage(models.Model):
    """One step of the claim, on its day; the note (a document's number, the court, what was decided) is
    free text, sealed like a case note."""

    class Kind(models.TextChoices):
        DEMAND = "demand"  # a written demand to the employer
        INSPECTION = "inspection"  # a complaint to the labour inspection
        COMMISSION = "commission"  # an application to the conciliation commission
        FILING = "filing"  # a claim filed in court
        HEARING = "hearing"
        JUDGEMENT = "judgement"
        ENFORCEMENT = "enforcement"  # the judgement enforced: money recovered or not

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField()
    note_sealed = models.BinaryField(null=True)
    document_name = models.CharField(max_length=200, blank=True)  # as uploaded: a court's file name
    document_sealed = models.BinaryField(null=True)  # the document itself, sealed like a note
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)


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
        CONSENT = "consent"
        REFER = "refer"
        VIEW_REFERRAL = "view_referral"

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
