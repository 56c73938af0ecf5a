"""Settings for the Resilience Portal, every knob read from the environment.

Defaults are the safe production ones; `make run` and the test suite ask for
the conveniences they need (DEBUG, SQLite, eager tasks) through variables.
"""

from pathlib import Path

import environ
from botocore.config import Config as BotoConfig
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Empty without DEBUG: commands that sign nothing (migrations, checks) still run, while the
# web server refuses to start (wsgi.py) and `check --deploy` reports it.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if not DEBUG else "insecure-local-only-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Open Contracting: every challenge's ocid starts with this prefix. "ocds-xxxxxx" is a
# placeholder: register the portal's own prefix with the Open Contracting Partnership
# (https://standard.open-contracting.org/latest/en/guidance/build/#register-an-ocid-prefix)
# and set it here before publishing data anyone relies on; ocids must never change after.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-xxxxxx")

INSTALLED_APPS = [
    "resilience_portal.apps.PortalConfig",
    "cohorts",
    "smes",
    "procurement",
    "mentorship",
    "casestudies",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # Last, as its docs ask: a file replaced or left by a deleted row is removed from its store
    # once the transaction commits, so neither the disk nor the bucket collects orphans.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "resilience_portal.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A kept anonymous page is served here, headers and all, before the rest of the stack.
    "resilience_portal.public_pages.PublicPageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "resilience_portal.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "resilience_portal.middleware.StaffSecondFactorMiddleware",
    "resilience_portal.middleware.PrivateResponsesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "resilience_portal.middleware.AtomicWritesMiddleware",
]

ROOT_URLCONF = "resilience_portal.urls"
WSGI_APPLICATION = "resilience_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "resilience_portal.context_processors.portal",
            ],
            "builtins": [
                "resilience_portal.templatetags.portal_formats",
                "resilience_portal.templatetags.chrome",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Views that may write run in one transaction (AtomicWritesMiddleware); reads need none.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A health check costs a round trip at the start of every request. Without it, a connection
# the server dropped (a restart, a failover) fails one request per worker, and Django then
# discards it; set DATABASE_CONN_HEALTH_CHECKS=true where connections drop often (a pooler
# that closes idle ones) and that one error matters more than the round trip.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False)
DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Anonymous public pages are kept this long at most (resilience_portal/public_pages.py): less
# when a deadline comes sooner, and never past a change. 0 keeps none.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "resilience_portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "resilience_portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "resilience_portal.accounts.AccountAdapter"
ACCOUNT_FORMS = {"signup": "resilience_portal.accounts.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https"
)
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("ACCOUNT_RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    # The newsletter form sends a confirmation e-mail: nobody may flood an inbox with them,
    # or the mail queue from one address.
    "newsletter_subscribe": env.str("NEWSLETTER_RATE_LIMIT", default="20/h/ip,3/h/key"),
}
# Staff and superusers must add an authenticator app (StaffSecondFactorMiddleware); recovery
# codes come with it, so a lost phone does not lock anyone out.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Resilience Portal")
# Behind a reverse proxy the rate limits must key on the client, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("id", _("Bahasa Indonesia")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads for limited eyes (letters, SME documents, proposals): no URL maps here; they
# leave only through permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")


def s3_stores(*, bucket, endpoint_url=None, region=None):
    """Both stores in one S3-compatible bucket (AWS S3, MinIO, Ceph, …), public files under
    ``public/`` and private ones under ``private/``; credentials come from boto3's own
    variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the machine's role."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Names are the portal's own (random); never silently overwrite one that exists.
        "file_overwrite": False,
        "default_acl": None,
        # A store that does not answer fails a request (and /healthz) in seconds, not minutes;
        # S3-compatible servers (MinIO) want the bucket in the path, not in the host name.
        "client_config": BotoConfig(
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }
    return {
        "default": {
            "BACKEND": "resilience_portal.storage.PublicS3Storage",
            "OPTIONS": {**common, "location": "public"},
        },
        "private": {
            "BACKEND": "resilience_portal.storage.PrivateS3Storage",
            "OPTIONS": {**common, "location": "private"},
        },
    }


# Every stored file goes to the local disk (MEDIA_ROOT and PRIVATE_MEDIA_ROOT) unless a bucket
# is named; with one, any number of web nodes and workers share the files.
OBJECT_STORAGE_BUCKET = env.str("OBJECT_STORAGE_BUCKET", default="")
if OBJECT_STORAGE_BUCKET:
    STORAGES = s3_stores(
        bucket=OBJECT_STORAGE_BUCKET,
        endpoint_url=env.str("OBJECT_STORAGE_ENDPOINT_URL", default=""),
        region=env.str("OBJECT_STORAGE_REGION", default=""),
    )
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "resilience_portal.storage.PrivateFileSystemStorage"},
    }
STORAGES["staticfiles"] = {
    "BACKEND": env.str(
        "STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760


def _mailer(url):
    """Turn EMAIL_URL into a mailer: smtp+tls://user:password@host:587, smtp+ssl://…:465,
    smtp://host:25, consolemail://, filemail:///absolute/path, memorymail://."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    extra = {key.upper(): value for key, value in config.get("OPTIONS", {}).items()}
    options = {}
    implicit_tls = url.startswith(("smtps://", "smtp+ssl://")) or config.get("EMAIL_PORT") == 465
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": not implicit_tls
            and (bool(config.get("EMAIL_USE_TLS")) or str(extra.get("TLS")).lower() == "true"),
            "use_ssl": implicit_tls or str(extra.get("SSL")).lower() == "true",
            "timeout": int(extra.get("TIMEOUT", 30)),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": "/" + config["EMAIL_FILE_PATH"].lstrip("/")}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer(env.str("EMAIL_URL", default="smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Resilience Portal <no-reply@resilience-portal.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who runs the portal and where people write to: shown in every page's footer, the about
# page and the privacy notice.
PORTAL_ORGANISATION = env.str("PORTAL_ORGANISATION", default="Resilience Portal programme")
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="programme@resilience-portal.org")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every task is written to be safe to run twice, so a worker lost mid-task
# hands the message back rather than dropping it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Queues by kind of work, each with its own workers (Procfile, docker-compose), so a
# newsletter to a whole network never holds up a password-reset e-mail:
#   mail    account and notice e-mails, beat ticks: small and urgent (the default queue)
#   bulk    newsletters, notices to many, rescans: long, and may wait
#   render  PDFs: heavy on CPU and memory, one at a time per process
# A worker started with `-Q <queue>` and no --concurrency takes its concurrency from here;
# a rate limit (Celery's "N/s", "N/m") applies to each task of the queue, per worker.
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
CELERY_QUEUES_BY_KIND = {
    "mail": {
        "concurrency": env.int("CELERY_MAIL_CONCURRENCY", default=2),
        "rate_limit": env.str("CELERY_MAIL_RATE_LIMIT", default="") or None,
    },
    "bulk": {
        "concurrency": env.int("CELERY_BULK_CONCURRENCY", default=1),
        "rate_limit": env.str("CELERY_BULK_RATE_LIMIT", default="") or None,
    },
    "render": {
        "concurrency": env.int("CELERY_RENDER_CONCURRENCY", default=1),
        "rate_limit": env.str("CELERY_RENDER_RATE_LIMIT", default="30/m") or None,
    },
}
# The routing, in one place: each task not named here goes to the mail queue.
CELERY_TASK_KINDS = {
    "casestudies.newsletter_tasks.send_newsletter": "bulk",
    "procurement.notices.notify_challenge_audience": "bulk",
    "cohorts.tasks.send_selection_results": "bulk",
    "resilience_portal.tasks.rescan_held_uploads": "bulk",
    "casestudies.tasks.render_case_study_pdf": "render",
    "casestudies.tasks.requeue_stale_pdfs": "render",
}
CELERY_TASK_DEFAULT_QUEUE = env.str(
    "CELERY_TASK_DEFAULT_QUEUE", default=f"{CELERY_QUEUE_PREFIX}mail"
)
CELERY_TASK_ROUTES = ("resilience_portal.celery.route_by_kind",)
CELERY_TASK_ANNOTATIONS = {
    name: {"rate_limit": CELERY_QUEUES_BY_KIND[kind]["rate_limit"]}
    for name, kind in CELERY_TASK_KINDS.items()
    if CELERY_QUEUES_BY_KIND[kind]["rate_limit"]
}
CELERY_BEAT_SCHEDULE: dict = {
    # Challenges: record closes on time; the deadline itself is checked on every request.
    "close-due-challenges": {"task": "procurement.tasks.close_due_challenges", "schedule": 60.0},
    # Sessions: reminders 24 h and 1 h before, feedback requests after; each sent once.
    "send-session-notices": {"task": "mentorship.tasks.send_session_notices", "schedule": 300.0},
    # Awards: record finality when the standstill ends; pages derive it from the clock.
    "record-final-awards": {"task": "procurement.tasks.record_final_awards", "schedule": 300.0},
    # Pilots: tell the city's officials of each milestone that fell late, once.
    "flag-late-milestones": {"task": "procurement.tasks.flag_late_milestones", "schedule": 3600.0},
    # Uploads that arrived while the virus scanner was down wait for it here.
    "rescan-held-uploads": {
        "task": "resilience_portal.tasks.rescan_held_uploads",
        "schedule": 300.0,
    },
    # Case studies: a PDF render whose message was lost (broker outage, killed worker) is resent.
    "requeue-stale-case-study-pdfs": {
        "task": "casestudies.tasks.requeue_stale_pdfs",
        "schedule": 300.0,
    },
    # Case studies: a PDF whose related pilots reported new KPI readings renders again.
    "refresh-live-case-study-pdfs": {
        "task": "casestudies.tasks.refresh_live_pdfs",
        "schedule": 300.0,
    },
    # Newsletter: start scheduled issues that are due, resume sends whose worker was lost.
    "newsletter-tick": {"task": "casestudies.newsletter_tasks.newsletter_tick", "schedule": 60.0},
}

# Newsletter sending: messages per batch (one SMTP connection each), and how long a batch
# claimed by a worker that shows no sign of life is left before it is recovered.
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=100)
NEWSLETTER_CLAIM_LEASE = env.int("NEWSLETTER_CLAIM_LEASE", default=300)
# Batches a newsletter job sends side by side, each over its own SMTP and database connection
# (a message mostly waits for the servers' answers). SQLite takes one writer at a time.
NEWSLETTER_SENDERS = env.int(
    "NEWSLETTER_SENDERS", default=1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4
)

# Virus scanning of uploads by clamd: a unix socket, or a host and port when CLAMD_HOST is set.
# Off only where DEBUG is on (``make run`` has no clamd); off means files are not scanned.
CLAMD_ENABLED = env.bool("CLAMD_ENABLED", default=not DEBUG)
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="/var/run/clamav/clamd.ctl")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
# An amendment that changes what bidders answer (criteria, problem, outcomes) leaves them at
# least this many days before the deadline, so bids cannot be opened right after a rule change.
CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS = env.int("CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS", default=5)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if ALLAUTH_TRUSTED_PROXY_COUNT:
    # Only a proxy we run may tell us the request came over HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
# Sessions are read from the cache and written to both: no session query on most requests,
# and nobody is signed out when the cache is emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# One JSON object per line on stdout (web nodes and workers alike), each with the id of the
# request it belongs to; LOG_FORMAT=text gives plain lines for reading in a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Workers log through the same handler rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reports to Sentry or any service speaking its protocol (GlitchTip, Bugsink), from
# web nodes and workers; no personal data is sent unless asked for.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=env.bool("SENTRY_SEND_DEFAULT_PII", default=False),
    )
