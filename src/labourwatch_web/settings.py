"""Settings from the environment, with embedded defaults for the demo: SQLite and keys in a data folder
(`LABOURWATCH_WEB_DATA`, default ./out/web). Production sets DATABASE_URL (PostgreSQL), SECRET_KEY and
LABOURWATCH_MASTER_KEY, and runs behind HTTPS."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

DATA = Path(os.environ.get("LABOURWATCH_WEB_DATA", "out/web")).resolve()
PACKAGE = Path(__file__).resolve().parent


def _kept_secret(name: str, make: str) -> str:
    """The variable, or a secret made once and kept in the data folder (readable by its owner only)."""
    if os.environ.get(name):
        return os.environ[name]
    path = DATA / name.lower()
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(make, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _database(url: str | None) -> dict[str, object]:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "labourwatch.sqlite3"}
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a PostgreSQL address (postgresql://...), not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
    }


SECRET_KEY = _kept_secret("SECRET_KEY", secrets.token_urlsafe(50))
LABOURWATCH_MASTER_KEY = _kept_secret("LABOURWATCH_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
DEBUG = os.environ.get("LABOURWATCH_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "labourwatch_web.cases",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "labourwatch_web.cases.middleware.second_factor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "labourwatch_web.cases.middleware.private_pages",
]
ROOT_URLCONF = "labourwatch_web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["labourwatch_web.cases.templatetags"],
        },
    }
]
DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
# Static files (htmx, vendored by django-htmx) served by the application itself (whitenoise), cached
# for long since their names do not change within a release; no collectstatic needed.
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 7 * 24 * 3600
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: the strong hash for new passwords (argon2-cffi); PBKDF2 still reads older ones.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end when the browser closes and after 30 idle minutes; cookies never reach scripts.
SESSION_COOKIE_AGE = 30 * 60
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # an admin's set-password link for a new member works for 3 days
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE = os.environ.get("LABOURWATCH_HTTPS") == "1"  # behind HTTPS in production: secure cookies, HSTS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Staff confirm each login with a one-time code from an authenticator app (TOTP, django-otp): "required"
# for everyone; "optional" (the local demo of `labourwatch serve`) asks only those who enrolled.
TWO_FACTOR = os.environ.get("LABOURWATCH_TWO_FACTOR", "required")
OTP_TOTP_ISSUER = "labourwatch"

# The worker's self-check (/check/): the hotline it shows (none when empty), and how many requests for
# help one address may send in an hour (many phones share an address on a mobile network).
LABOURWATCH_HOTLINE = os.environ.get("LABOURWATCH_HOTLINE", "")
SELF_CHECK_SENDS_PER_HOUR = int(os.environ.get("LABOURWATCH_SELF_CHECK_SENDS_PER_HOUR", "20"))

LOGIN_ATTEMPTS = 5  # failed logins per user name and per address within LOGIN_WINDOW before a lock-out
LOGIN_WINDOW = 15 * 60

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
LOGGING = {"version": 1, "disable_existing_loggers": False}  # nothing personal is logged: no request bodies
