"""Settings, all read from the environment (see the README's configuration table).

With nothing set, the project runs on its embedded default: SQLite under var/, a disk cache under
var/ shared by every worker process,
Celery tasks run eagerly in-process, the offline AI engine. DEBUG is off unless set (the demo's
`make run` sets DEBUG=1); with DEBUG off, nothing insecure is accepted: a real SECRET_KEY and
FIELD_ENCRYPTION_KEY are required and cookies/HSTS are strict.
"""

from __future__ import annotations

import base64
import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from resolutionflow.local_env import load as _load_demo_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# This checkout's demo secrets (var/demo.env, written by `make run`), under the environment.
_load_demo_env()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


# Off unless set: a deploy that forgets it must not run with the published development key.
# `make run`/`make dev`, the scripts and the test suite set DEBUG=1 for the demo.
DEBUG = env_bool("DEBUG", default=False)
# The local demo served the production way (DEBUG off) on plain HTTP at loopback: set by
# var/demo.env, never by a deploy. Only relaxes what loopback HTTP cannot do (secure cookies,
# HTTPS redirect, HSTS) and allows the simulator on its own port.
RF_DEMO = env_bool("RF_DEMO", default=False)

_DEV_SECRET_KEY = "dev-insecure-resolutionflow-key-do-not-use-in-production"
DEV_SECRET_KEY = _DEV_SECRET_KEY  # resolutionflow.checks refuses it under `check --deploy`
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
    if os.environ.get("RF_QUIET_DEV_WARNINGS") != "1":
        warnings.warn("SECRET_KEY is not set: using the development key.", stacklevel=1)
elif not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("The development SECRET_KEY is refused when DEBUG is off.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG or RF_DEMO else [],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "template_partials",
    "resolutionflow",
    "psa",
    "tickets",
    "assistant",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Static files before sessions/auth: a stylesheet never costs a session or user lookup.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so every header read after it (django-htmx's included) is named in Vary.
    "resolutionflow.middleware.HtmxVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "resolutionflow.session_idle.SessionIdleRefreshMiddleware",
    # request.user.is_verified(); then the second sign-in step where it is required.
    "django_otp.middleware.OTPMiddleware",
    "resolutionflow.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "resolutionflow.middleware.LoginRequiredMiddleware",
    "resolutionflow.deadline.RequestDeadlineMiddleware",
    "psa.htmx_errors.PSAErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resolutionflow.urls"
WSGI_APPLICATION = "resolutionflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "resolutionflow.context_processors.tenancy",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several gunicorn workers x threads write at once: WAL lets readers go on beside the one
    # writer; IMMEDIATE takes the write lock when a transaction starts, so a writer waits (up
    # to `timeout` seconds) instead of failing with "database is locked" on a lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": os.environ.get("SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, falling back to this process's memory while Redis is unreachable.
            "BACKEND": "resolutionflow.cache.RedisWithLocalFallback",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rf",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A dead Redis must cost a page milliseconds, not the OS's connect timeout.
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 1.0),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 1.0),
            },
        }
    }
else:
    # The embedded default is still one cache for the whole service: every gunicorn worker
    # process (and `manage.py` command) shares this directory of SQLite shards (diskcache), whose
    # add/incr are atomic across processes. Usage meters, DRF throttles, sign-in counters, the
    # 429 cooldown, reference data and prefetched panels are therefore the same on every worker.
    CACHES = {
        "default": {
            "BACKEND": "resolutionflow.disk_cache.KeptOpenDiskCache",
            # pytest-xdist workers each clear their cache between tests: one directory each.
            "LOCATION": (os.environ.get("CACHE_DIR") or str(VAR_DIR / "cache"))
            + (
                f"-{os.environ['PYTEST_XDIST_WORKER']}"
                if "PYTEST_XDIST_WORKER" in os.environ
                else ""
            ),
            "TIMEOUT": 300,
            "SHARDS": 4,
            # Seconds a write waits for another process's write (then retries): meters count
            # every request even when workers write at once.
            "DATABASE_TIMEOUT": 0.5,
            "OPTIONS": {"size_limit": 2**30},
        }
    }
# `check --deploy` warns when more than one web worker runs on a cache that is not shared.
SHARED_CACHE_BACKENDS = (
    "resolutionflow.cache.RedisWithLocalFallback",
    "resolutionflow.disk_cache.KeptOpenDiskCache",
    "diskcache.DjangoCache",
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes then our guard first: a locked-out pair, a slowed username or a locked address is
# refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "resolutionflow.signin_guard.SignInGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OTP_TOTP_ISSUER = "ResolutionFlow"
# Authenticator secrets and recovery codes are never shown in Django admin, to anyone.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Hashed, compressed static files (collectstatic writes app.<hash>.css plus .gz/.br next to it;
# WhiteNoise serves them with a far-future `immutable` Cache-Control). On for production and for
# `make run` (which runs collectstatic first); off for `make dev` and the tests, which serve the
# source files straight from static/ through the finders, with no collectstatic step.
STATIC_HASHED = env_bool("STATIC_HASHED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "resolutionflow.staticfiles.HashedCompressedStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without hashing, WhiteNoise looks files up through the finders on each request (edits show at
# once); with it, it indexes STATIC_ROOT once at start-up.
WHITENOISE_USE_FINDERS = not STATIC_HASHED
WHITENOISE_AUTOREFRESH = not STATIC_HASHED

# --- security: strict whenever DEBUG is off ------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session ends after this long without a request (default 8 hours, a working
# day); each request pushes the end back, refreshed at most once per SESSION_IDLE_REFRESH_SECONDS.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(8 * 60 * 60)))
SESSION_IDLE_REFRESH_SECONDS = min(300, max(1, SESSION_COOKIE_AGE // 10))
if not DEBUG:
    SESSION_COOKIE_SECURE = not RF_DEMO
    CSRF_COOKIE_SECURE = not RF_DEMO
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not RF_DEMO)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if RF_DEMO else "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment for the whole domain (hard to undo), so it is opt-in; without it
    # `check --deploy` would warn (W021) about a choice we made on purpose (see README "Security").
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own origin only, no inline scripts or styles and no
# eval (htmx runs with allowEval=false; listeners in static/js do what trigger filters would).
# `data:` images are for swagger-ui's icons on /api/docs/. Nothing may frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- sign-in throttling (the login page and /admin/login/; see resolutionflow/signin_guard.py) ---
# No single counter can lock out people who did nothing wrong:
# * username + address (django-axes): AXES_FAILURE_LIMIT failures lock that pair for the
#   cool-off. One colleague mistyping behind the office's NAT locks only themselves.
# * username from anywhere: after SIGNIN_USERNAME_DELAY_AFTER failures each try waits a growing
#   delay (1, 2, 4 … SIGNIN_USERNAME_DELAY_MAX s); at SIGNIN_USERNAME_LOCK_AFTER within
#   SIGNIN_WINDOW_SECONDS it is locked until the window ends (a guess spread over addresses).
# * address for every username: only at SIGNIN_ADDRESS_LOCK_AFTER failures in the window.
# The address is REMOTE_ADDR; behind N trusted reverse proxies set TRUSTED_PROXY_COUNT=N (and
# do not expose the app around them), so the client's own address is counted, not the proxy's.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25)  # hours; the lockout then lifts
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt refused during a lockout is not counted (so waiting out the cool-off is enough).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "resolutionflow.signin_guard.lockout_response"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "resolutionflow.throttling.client_address"
SIGNIN_WINDOW_SECONDS = int(os.environ.get("SIGNIN_WINDOW_SECONDS", "3600"))
SIGNIN_USERNAME_DELAY_AFTER = int(os.environ.get("SIGNIN_USERNAME_DELAY_AFTER", "10"))
SIGNIN_USERNAME_DELAY_MAX = int(os.environ.get("SIGNIN_USERNAME_DELAY_MAX", "60"))
SIGNIN_USERNAME_LOCK_AFTER = int(os.environ.get("SIGNIN_USERNAME_LOCK_AFTER", "30"))
SIGNIN_ADDRESS_LOCK_AFTER = int(os.environ.get("SIGNIN_ADDRESS_LOCK_AFTER", "200"))

# --- usage meters: AI parses and assistant messages (see resolutionflow/throttling.py) ----------
# Per user and per account, in a fixed window of METER_WINDOW_SECONDS; counters live in the
# shared cache (every worker of one machine on the embedded default, every node with Redis). 0 turns a limit off.
METER_WINDOW_SECONDS = int(os.environ.get("METER_WINDOW_SECONDS", "60"))
METER_LIMITS = {
    "ai_parse": {
        "user": int(os.environ.get("AI_PARSE_PER_USER", "30")),
        "account": int(os.environ.get("AI_PARSE_PER_ACCOUNT", "300")),
    },
    "assistant_message": {
        "user": int(os.environ.get("ASSISTANT_MESSAGES_PER_USER", "20")),
        "account": int(os.environ.get("ASSISTANT_MESSAGES_PER_ACCOUNT", "200")),
    },
}

# --- credentials at rest --------------------------------------------------------------------------
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]


def _fernet_key_problem(key: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return "it is not URL-safe base64"
    return "" if len(raw) == 32 else f"it decodes to {len(raw)} bytes, not 32"


# Refused at start (every command, every worker), not at the first credential read.
for _index, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    if _problem := _fernet_key_problem(_key):
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEY #{_index} is not a Fernet key ({_problem}). Generate one: "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        )

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API request then gets 401 + WWW-Authenticate, not 403.
        "resolutionflow.api_tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "psa.error_responses.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per signed-in user, per API token, per address for anonymous calls (bogus tokens included:
    # see resolutionflow.api_tokens.ApiTokenAuthentication). 429 + Retry-After past them.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "resolutionflow.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/min"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "600/min"),
        "bad_token": os.environ.get("API_THROTTLE_BAD_TOKEN", "20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ResolutionFlow PSA API",
    "DESCRIPTION": "View, filter, update and create tickets in the account's PSA.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # swagger-ui from drf-spectacular-sidecar's vendored files in our static/, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With the broker down, sending a task must fail within a second or two (the caller then says
# so: e.g. an assistant reply is marked failed with Retry), not hang the web request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "refresh-psa-reference-data": {
        "task": "psa.tasks.refresh_all_reference_data",
        "schedule": float(os.environ.get("PSA_REFERENCE_REFRESH_SECONDS", "600")),
    },
    # Queued notes whose delivery task was lost still reach the PSA (see tickets.outbox).
    "sweep-note-outbox": {
        "task": "tickets.tasks.sweep_note_outbox",
        "schedule": float(os.environ.get("NOTE_OUTBOX_SWEEP_SECONDS", "30")),
    },
}

# --- PSA ------------------------------------------------------------------------------------------
PSA_CONNECT_TIMEOUT = env_float("PSA_CONNECT_TIMEOUT", 5.0)
PSA_READ_TIMEOUT = env_float("PSA_READ_TIMEOUT", 20.0)
PSA_MAX_RETRIES = int(os.environ.get("PSA_MAX_RETRIES", "2"))
PSA_RETRY_AFTER_CAP = env_float("PSA_RETRY_AFTER_CAP", 10.0)
# One budget per web request for all its PSA calls together (parallel ones and retries
# included), so every page, fragment and API answer comes back within ~20 s whatever the PSA
# does; the rest of the 20 s is for our own work. 0 turns it off. Celery tasks have none.
PSA_REQUEST_DEADLINE = env_float("PSA_REQUEST_DEADLINE", 15.0)
PSA_REFERENCE_TTL = int(os.environ.get("PSA_REFERENCE_TTL", "900"))
# Hosts allowed to be plain HTTP / loopback / private (the simulator). Empty in production.
PSA_INSECURE_HOSTS = env_list(
    "PSA_INSECURE_HOSTS", ["127.0.0.1", "localhost", "::1"] if DEBUG or RF_DEMO else []
)
# The ports those hosts may be reached on (empty: any). The demo allows only the simulators',
# so a tenant admin cannot make the server probe other loopback ports through a site address.
DEMO_SIMULATOR_PORTS = [os.environ.get("CWSIM_PORT", "8765"), os.environ.get("ATSIM_PORT", "8766")]
PSA_INSECURE_PORTS = [
    int(port) for port in env_list("PSA_INSECURE_PORTS", DEMO_SIMULATOR_PORTS if RF_DEMO else [])
]
CWSIM_URL = os.environ.get("CWSIM_URL", f"http://127.0.0.1:{os.environ.get('CWSIM_PORT', '8765')}")

# /healthz details (each dependency, each tenant's last PSA check) for monitoring that
# sends this as X-Health-Token; strangers get only up/down. Empty: superusers only.
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")
# What /healthz adds for operators, by key: each a function returning a JSON-able list. The
# foundation names no app; the apps' reports are wired here, in the project shell.
HEALTHZ_REPORTS = {"psa": "psa.selectors.connection_health_list"}

# --- AI -------------------------------------------------------------------------------------------
ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
ANTHROPIC_MODEL = os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-6")
ANTHROPIC_TIMEOUT = env_float("ANTHROPIC_TIMEOUT", 15.0)
ANTHROPIC_BASE_URL = os.environ.get("ANTHROPIC_BASE_URL") or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "psa": {"level": os.environ.get("PSA_LOG_LEVEL", "INFO"), "propagate": True},
        "tickets": {"level": "INFO", "propagate": True},
    },
}
