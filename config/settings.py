"""Handoff settings. Every value comes from the environment; `.env.example` lists them all."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_file_path,
    env_int,
    env_list,
    env_str,
    load_env_file,
    local_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(env_file_path(BASE_DIR))
VAR_DIR = Path(env_str("HANDOFF_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("HANDOFF_DEBUG", False)
HANDOFF_SECRET_KEY_FROM_ENV = bool(env_str("HANDOFF_SECRET_KEY"))
SECRET_KEY = env_str("HANDOFF_SECRET_KEY") or local_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("HANDOFF_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("HANDOFF_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "unfold.apps.BasicAppConfig",  # the admin site is config.admin.HandoffAdminSite
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "config.apps.HandoffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "import_export",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "escalations",
    "templates_catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "escalations.core.api.middleware.BodySizeLimitMiddleware",
    "escalations.core.middleware.ConfigurationMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

AUTHENTICATION_BACKENDS = ["escalations.core.auth_backend.CachedModelBackend"]

ROOT_URLCONF = "config.urls"
# runserver uses the local entry point; production servers load config.wsgi, which insists on
# HANDOFF_SECRET_KEY.
WSGI_APPLICATION = "config.wsgi_local.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; PostgreSQL comes in through DATABASE_URL.
_sqlite_path = VAR_DIR / "handoff.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=env_int("HANDOFF_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite whose writers queue on a file lock (see escalations/core/db/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "escalations.core.db.sqlite"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Tests use a file too, so that a real django-q2 cluster started by a test can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_handoff.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the django-q2 cluster writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue on busy_timeout instead of failing mid-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements: psycopg prepares a statement a connection has run
    # HANDOFF_DB_PREPARE_THRESHOLD times, so PostgreSQL stops planning the same joins on every
    # request. 0 turns them off (needed behind a transaction-pooling PgBouncer before 1.21).
    _prepare = env_int("HANDOFF_DB_PREPARE_THRESHOLD", 5)
    if _prepare > 0:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": _prepare}
        )

# The reads and inserts every API delivery makes run SQL compiled once per connection
# (escalations/core/db/compiled.py, which leans on Django internals checked on the releases it
# names); 0 runs them through the plain ORM instead, with the same results.
HANDOFF_COMPILED_SQL = env_bool("HANDOFF_COMPILED_SQL", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The reports' covering indexes carry extra columns on PostgreSQL; elsewhere they are plain
# indexes on their key columns, which is what the warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("HANDOFF_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files in every mode (the demo runs with DEBUG off); with finders on,
# no collectstatic is needed before the first start.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("HANDOFF_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("HANDOFF_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HANDOFF_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HANDOFF_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("HANDOFF_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HANDOFF_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("HANDOFF_EMAIL_FROM", "handoff@localhost")

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HANDOFF_BEHIND_TLS_PROXY") else None
)
SESSION_COOKIE_SECURE = env_bool("HANDOFF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HANDOFF_LOG_LEVEL", "INFO")},
    # 403s and 404s are answered to the user; they need no traceback in the log.
    "loggers": {"django.db.backends": {"level": "INFO"}, "django.request": {"level": "ERROR"}},
}

# django-q2 on the ORM broker: tasks are enqueued after the change that caused them commits,
# and delivery is at-least-once. `retry` must exceed `timeout`, or a slow task runs twice at once.
Q_CLUSTER = {
    "name": env_str("HANDOFF_Q_NAME", "handoff"),
    "orm": "default",
    "workers": env_int("HANDOFF_Q_WORKERS", 4),
    "timeout": env_int("HANDOFF_Q_TIMEOUT", 60),
    "retry": env_int("HANDOFF_Q_RETRY", 120),
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "poll": 0.5,
    "label": "Task queue",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "escalations.core.api.auth.SignedTokenAuthentication",
        "escalations.core.api.auth.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "escalations.core.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["escalations.tickets.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["escalations.core.api.throttle.SharedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("HANDOFF_API_RATE", "60000/min")},
    "EXCEPTION_HANDLER": "escalations.core.api.errors.exception_handler",
}
# API tokens (django-rest-knox): stored hashed, each with an expiry.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("HANDOFF_API_TOKEN_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Where every server process counts the API's rate limit: a Redis URL (redis://host:6379/0);
# empty, the database.
HANDOFF_REDIS_URL = env_str("HANDOFF_REDIS_URL", "")
# The largest API request body; a bigger one is refused with 413 before it is read.
HANDOFF_API_MAX_BODY_BYTES = env_int("HANDOFF_API_MAX_BODY_BYTES", 1_000_000)
# A list counts its matching rows exactly up to this many past the page (core/api/pagination).
HANDOFF_API_COUNT_LIMIT = env_int("HANDOFF_API_COUNT_LIMIT", 10_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Handoff API",
    "DESCRIPTION": "Tickets, messages, AI verdicts and escalations for bots and integrations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "escalations.tickets.models.choices.TicketStatus",
        "TierEnum": "escalations.tickets.models.choices.Tier",
        "CustomerTierEnum": "escalations.tickets.models.choices.CustomerTier",
    },
}

# How deep rule actions may cause further rule runs (an action's event, its action's event…).
HANDOFF_RULES_MAX_DEPTH = env_int("HANDOFF_RULES_MAX_DEPTH", 3)
# The time budget of one rule script run, lookups included.
HANDOFF_SCRIPT_TIMEOUT_SECONDS = env_int("HANDOFF_SCRIPT_TIMEOUT_MS", 2000) / 1000

# The deadline sweeper: how long it sleeps when nothing is due, and how long one loop task runs
# (always under HANDOFF_Q_TIMEOUT) before it hands over to the next.
HANDOFF_SWEEPER_IDLE_MS = env_int("HANDOFF_SWEEPER_IDLE_MS", 200)
HANDOFF_SWEEPER_LOOP_SECONDS = env_int("HANDOFF_SWEEPER_LOOP_SECONDS", 10)

# Reports: how many connections the parts of one report may use at once (each part is one
# aggregation; 1 runs them one after the other, the default on SQLite).
HANDOFF_REPORTS_CONNECTIONS = env_int(
    "HANDOFF_REPORTS_CONNECTIONS",
    3 if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else 1,
)

# Spreadsheets: importing needs a model's "import" permission (and "change"), exporting its
# "export" permission; every import runs in one transaction, all or nothing.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False


def _nav(title, icon: str, model: str, app: str = "escalations", page: str = "") -> dict:
    """A sidebar link to a model's list (or one of its pages), shown only to users who may
    view that model."""
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app}_{model}_{page or 'changelist'}"),
        "permission": lambda request: request.user.has_perm(f"{app}.view_{model}"),
    }


UNFOLD = {
    "SITE_TITLE": "Handoff",
    "SITE_HEADER": "Handoff",
    "SITE_SUBHEADER": _("Escalation workflows"),
    "SITE_SYMBOL": "support_agent",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "escalations.tickets.admin.base.dashboard_callback",
    "STYLES": [lambda request: static("escalations/admin.css")],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            {
                "title": _("Work"),
                "items": [
                    _nav(_("Tickets"), "confirmation_number", "ticket"),
                    {
                        **_nav(_("Escalated now"), "priority_high", "ticket"),
                        "link": format_lazy(
                            "{}?status__exact=escalated",
                            reverse_lazy("admin:escalations_ticket_changelist"),
                        ),
                    },
                    {
                        **_nav(_("Escalated incidents"), "crisis_alert", "ticket"),
                        "link": format_lazy(
                            "{}?status__exact=escalated&topic=incident",
                            reverse_lazy("admin:escalations_ticket_changelist"),
                        ),
                    },
                    _nav(_("Escalations"), "trending_up", "escalation"),
                    _nav(_("Reports"), "monitoring", "escalation", page="reports"),
                    _nav(_("Audit trail"), "history", "ticketevent"),
                    _nav(_("Notifications"), "notifications", "notification"),
                    _nav(_("Deadlines"), "timer", "timer"),
                    _nav(_("AI verdicts"), "smart_toy", "aiverdict"),
                    _nav(_("Incident communications"), "campaign", "incidentcommunication"),
                    _nav(_("Incident action plans"), "assignment", "incidentactionplan"),
                    {
                        **_nav(_("Sign-offs for me"), "approval", "stepsignoff"),
                        "link": format_lazy(
                            "{}?whose=mine",
                            reverse_lazy("admin:escalations_stepsignoff_changelist"),
                        ),
                    },
                ],
            },
            {
                "title": _("People"),
                "items": [
                    _nav(_("Customers"), "person", "customer"),
                    _nav(_("Agents"), "badge", "agent"),
                    _nav(_("Teams"), "groups", "team"),
                    _nav(_("RACI matrices"), "table_chart", "racimatrix"),
                    _nav(_("My RACI duties"), "assignment_ind", "racimatrix", page="mine"),
                ],
            },
            {
                "title": _("Automation"),
                "items": [
                    _nav(_("Rule sets"), "account_tree", "ruleset"),
                    _nav(_("Rules"), "rule", "rule"),
                    _nav(_("Rule firings"), "bolt", "rulefiring"),
                    _nav(_("Drills"), "science", "ruledrill"),
                    _nav(_("Integrations"), "hub", "integration"),
                    _nav(_("Signed API callers"), "key", "signedcaller"),
                    _nav(_("Webhook subscriptions"), "podcasts", "webhooksubscription"),
                    _nav(_("Webhook deliveries"), "send", "webhookdelivery"),
                ],
            },
            {
                "title": _("Configuration"),
                "items": [
                    _nav(_("Workspaces"), "workspaces", "workspace"),
                    _nav(_("Business calendars"), "calendar_month", "businesscalendar"),
                    _nav(_("SLA policies"), "speed", "slapolicy"),
                    _nav(_("Escalation ladders"), "stairs", "escalationladder"),
                    _nav(_("Escalation policies (AI)"), "policy", "escalationpolicy"),
                    _nav(_("Communication plans"), "forum", "communicationplan"),
                    _nav(_("Escalation matrices"), "grid_on", "escalationmatrix"),
                    _nav(_("Quality checklists"), "checklist", "qualitychecklist"),
                    _nav(_("Work processes"), "route", "workprocess"),
                    _nav(
                        _("Template catalog"),
                        "library_books",
                        "workflowtemplate",
                        app="templates_catalog",
                    ),
                ],
            },
        ],
    },
}
