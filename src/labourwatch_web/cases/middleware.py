"""Headers every page gets: nothing cached (a shared phone keeps no case in its cache), a strict content
policy (no script or style from elsewhere)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

OPEN_WITHOUT_SECOND_FACTOR = ("/login/", "/logout/", "/two-factor/", "/i18n/", "/check/")


def private_pages(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response["Cache-Control"] = "no-store"
        response["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        )
        response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response

    return middleware


def second_factor(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """The one gate for the second factor: a user logged in with a password reaches nothing but the
    code page (enrolment first if they have no device) until the code is confirmed."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_WITHOUT_SECOND_FACTOR):
            enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            if enrolled or settings.TWO_FACTOR == "required":
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "confirm the login with the second factor"}, status=401)
                return redirect("two_factor")
        return get_response(request)

    return middleware
