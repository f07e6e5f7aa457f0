from typing import Any

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "labourwatch_web.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from labourwatch_web.cases import audit
        from labourwatch_web.cases.models import AuditEvent

        def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            audit.record(AuditEvent.Action.LOGIN, user, request=request)

        def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            if user is not None:
                audit.record(AuditEvent.Action.LOGOUT, user, request=request)

        def failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
            name = str(credentials.get("username", ""))[:150]  # Django hides the password
            audit.record(AuditEvent.Action.LOGIN_FAILED, None, request=request, username=name)

        signals.user_logged_in.connect(logged_in, weak=False, dispatch_uid="lw_login")
        signals.user_logged_out.connect(logged_out, weak=False, dispatch_uid="lw_logout")
        signals.user_login_failed.connect(failed, weak=False, dispatch_uid="lw_login_failed")
