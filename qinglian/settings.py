"""The one settings module. Every deployment knob is an environment variable, documented in
README.md ("Configuration"); a malformed value stops start-up with the variable's name."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from qinglian.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent

# Where the embedded database, the keys, uploaded files and audit checkpoints live.
DATA_DIR = Path(env_str("QINGLIAN_DATA_DIR", "var")).expanduser().resolve()
MODE = env_choice("QINGLIAN_MODE", "core", ("core", "public-front"))
DEMO_MODE = env_bool("QINGLIAN_DEMO", False)
DEBUG = env_bool("QINGLIAN_DEBUG", False)
TESTING = env_bool("QINGLIAN_TESTING", False)

# Production (QINGLIAN_PRODUCTION=true) must be given its secrets; the embedded default keeps
# generated ones under DATA_DIR/keys/.
PRODUCTION = env_bool("QINGLIAN_PRODUCTION", False)
KEY_DIR = DATA_DIR / "keys"


def _secret(name: str, file: str) -> str:
    return env_secret(name, store=None if PRODUCTION else KEY_DIR / file)


SECRET_KEY = _secret("QINGLIAN_SECRET_KEY", "secret_key")
# Encrypts ID numbers and other sealed fields (Fernet key material, derived per purpose).
FIELD_ENCRYPTION_KEY = _secret("QINGLIAN_FIELD_KEY", "field_key")
# HMAC key of the audit chain: kept outside the database so that rows cannot be re-hashed.
AUDIT_HMAC_KEY = _secret("QINGLIAN_AUDIT_KEY", "audit_key")
# Keyed hash of ID numbers for exact matching without decrypting.
ID_HASH_KEY = _secret("QINGLIAN_ID_HASH_KEY", "id_hash_key")

ALLOWED_HOSTS = env_list("QINGLIAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("QINGLIAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Qinglian: foundation first, workflow apps after (arrows run toward these).
    "qinglian.core",
    "qinglian.accounts",
    "qinglian.audit",
    "qinglian.people",
    "qinglian.rules",
    "qinglian.workitems",
    "qinglian.documents",
    "qinglian.api",
    "qinglian.archive",
    "qinglian.groups",
    "qinglian.cards",
    "qinglian.conduct",
    "qinglian.intake",
    "qinglian.declarations",
    "qinglian.spotchecks",
    "qinglian.appointments",
    "qinglian.handovers",
    "qinglian.inspections",
    "qinglian.selfreports",
    "qinglian.grassroots",
    "qinglian.taskforce",
    "qinglian.jointwork",
    "qinglian.projects",
    "qinglian.registries",
    "qinglian.matching",
    "qinglian.front",
    "qinglian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "qinglian.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qinglian.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qinglian.urls"
WSGI_APPLICATION = "qinglian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qinglian.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_db_url = env_str("QINGLIAN_DATABASE_URL", "")
if _db_url:
    try:
        _db = dj_database_url.parse(_db_url, conn_max_age=env_int("QINGLIAN_DB_CONN_MAX_AGE", 60, minimum=0))
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(f"QINGLIAN_DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured("QINGLIAN_DATABASE_URL must be a sqlite:// or postgres:// URL")
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "qinglian.sqlite3")}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE: a write transaction takes the lock at BEGIN, so concurrent writers queue
            # instead of failing on upgrade (and the audit chain cannot fork).
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    _db["TEST"] = {"NAME": env_str("QINGLIAN_TEST_SQLITE_NAME", "") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie's age is renewed on every request.
SESSION_COOKIE_AGE = env_int("QINGLIAN_IDLE_TIMEOUT_MINUTES", 30, minimum=1, maximum=24 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("QINGLIAN_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "qinglian.core.views.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Two-factor authentication is required for roles that read sealed or personal-matters data.
# The demo may waive it; a banner then says so on every page.
REQUIRE_2FA = env_bool("QINGLIAN_REQUIRE_2FA", not DEMO_MODE)
OTP_TOTP_ISSUER = "清廉 Qinglian"

AXES_FAILURE_LIMIT = env_int("QINGLIAN_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("QINGLIAN_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Lockout is by user name on purpose: no visitor address is kept (axes warns about that choice).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout keys on the user name, not the client address (nothing about a visitor's address is kept).
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = lambda request: None  # noqa: E731  (axes would store it with each failure)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the demo serves straight from the package without collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("QINGLIAN_MAX_FORM_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
QINGLIAN_MAX_UPLOAD_BYTES = env_int("QINGLIAN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)
if TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Background work --------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}
# Notification channels besides the in-app one; SMS and e-mail gateways are off by default.
QINGLIAN_NOTIFY_BACKENDS = env_list("QINGLIAN_NOTIFY_BACKENDS", [])

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qinglian.api.authentication.ApiTokenAuthentication",
        "qinglian.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "qinglian.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "清廉 Qinglian API",
    "DESCRIPTION": "REST API for member agencies and other systems. All data access is scoped and audited.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("QINGLIAN_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    "loggers": {"axes": {"level": "WARNING"}, "django.server": {"level": "WARNING"}},
}

# --- Public report page and the public front (ARCHITECTURE.md §5, qinglian/front) ----------------
QINGLIAN_PUBLIC_MAX_FILE_BYTES = env_int("QINGLIAN_PUBLIC_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024)
QINGLIAN_PUBLIC_MAX_FILES = env_int("QINGLIAN_PUBLIC_MAX_FILES", 5, minimum=0, maximum=20)
# Per visitor (hashed, in the cache only): submissions per hour, receipt-code lookups per 10 minutes.
QINGLIAN_PUBLIC_SUBMIT_LIMIT = env_int("QINGLIAN_PUBLIC_SUBMIT_LIMIT", 10, minimum=1)
QINGLIAN_PUBLIC_LOOKUP_LIMIT = env_int("QINGLIAN_PUBLIC_LOOKUP_LIMIT", 20, minimum=1)
# What phones open (the poster's QR code); empty: the address the page was requested at.
QINGLIAN_PUBLIC_BASE_URL = env_str("QINGLIAN_PUBLIC_BASE_URL", "")
# The core's own address on the government network, as printed in QR codes of reminder cards.
QINGLIAN_BASE_URL = env_str("QINGLIAN_BASE_URL", "http://127.0.0.1:8000")
# Reminder cards: acknowledging with a one-time SMS code — off unless a backend is named ("outbox"
# keeps the messages in a table and sends nothing: the demo's default; "http" posts to a gateway).
QINGLIAN_SMS_BACKEND = env_str("QINGLIAN_SMS_BACKEND", "outbox" if DEMO_MODE else "")
QINGLIAN_SMS_HTTP_URL = env_str("QINGLIAN_SMS_HTTP_URL", "")
QINGLIAN_SMS_HTTP_TOKEN = env_str("QINGLIAN_SMS_HTTP_TOKEN", "")
QINGLIAN_SMS_HTTP_TIMEOUT = env_int("QINGLIAN_SMS_HTTP_TIMEOUT", 5, minimum=1, maximum=60)
QINGLIAN_SMS_SIGNATURE = env_str("QINGLIAN_SMS_SIGNATURE", "清廉")
# Seeds of the key pairs (see qinglian/front/keys.py). The core holds QINGLIAN_FRONT_CORE_KEY and the
# front's public key; the front holds QINGLIAN_FRONT_KEY and the core's public keys. Embedded default:
# both generated under DATA_DIR/keys (all-in-one). A production core without a public front may
# leave them unset: only the exchange refuses to run.
QINGLIAN_FRONT_URL = env_str("QINGLIAN_FRONT_URL", "")  # core: the front's address (HTTP exchange)
QINGLIAN_FRONT_PUBLIC = env_str("QINGLIAN_FRONT_PUBLIC", "")
QINGLIAN_FRONT_CORE_PUBLIC = env_str("QINGLIAN_FRONT_CORE_PUBLIC", "")


def _front_secret(name: str, file: str) -> str:
    try:
        return _secret(name, file)
    except ImproperlyConfigured:
        return ""


QINGLIAN_FRONT_KEY = _front_secret("QINGLIAN_FRONT_KEY", "front_key")
QINGLIAN_FRONT_CORE_KEY = ""
if MODE == "core" or not PRODUCTION:
    # (A development public front derives the core's public key from a local seed.)
    QINGLIAN_FRONT_CORE_KEY = _front_secret("QINGLIAN_FRONT_CORE_KEY", "front_core_key")

if MODE == "public-front":
    # Only the public pages, only the front's tables: no accounts, sessions, audit or core data.
    if PRODUCTION and not (QINGLIAN_FRONT_KEY and QINGLIAN_FRONT_CORE_PUBLIC):
        raise ImproperlyConfigured(
            "public-front mode needs QINGLIAN_FRONT_KEY and QINGLIAN_FRONT_CORE_PUBLIC"
        )
    INSTALLED_APPS = ["django.contrib.staticfiles", "qinglian.front"]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "csp.middleware.CSPMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "qinglian.core.middleware.RejectNulMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    ROOT_URLCONF = "qinglian.front.front_urls"
    TEMPLATES[0]["OPTIONS"]["context_processors"] = ["django.template.context_processors.request"]
    STATICFILES_DIRS = [("vendor", PACKAGE_DIR / "core" / "static" / "vendor")]
    CSRF_FAILURE_VIEW = "qinglian.front.errors.csrf_failure"
    QINGLIAN_FRONT_CORE_KEY = "" if PRODUCTION else QINGLIAN_FRONT_CORE_KEY
