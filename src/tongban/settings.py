"""Tongban settings: one module, configured only by environment variables (12-factor).

The embedded mode (no database variables set) runs on a SQLite file under ./var/ with the
database cache (shared by every process) and the database task queue. Safe by default: debug is off unless
TONGBAN_DEBUG=true, the demo features (codes on the log-in page, the SMS outbox page, the public
demo keys) exist only with TONGBAN_DEMO=true (`make demo` sets it). Production — neither debug nor
demo — needs a strong TONGBAN_SECRET_KEY and its own TONGBAN_PERSONAL_DATA_KEY: `tongban serve`
and `tongban check --deploy` refuse weak ones (tongban.core.checks). A database on PostgreSQL
and a shared cache come from TONGBAN_DATABASE_URL=postgres://… and TONGBAN_REDIS_URL=redis://….
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

# The public demo value of both keys: anyone can read it here, so production refuses it.
DEFAULT_SECRET = "tongban-embedded-demo-secret-do-not-use-in-production"
DEMO_PERSONAL_DATA_KEY = DEFAULT_SECRET  # the demo's key for personal data (kept: demo data stays readable)
DATA_DIR = Path(env.str("TONGBAN_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# --- mode: debug and demo only when asked for -------------------------------------------------
DEBUG = env.bool("TONGBAN_DEBUG", default=False)
# 演示环境: demo data, the demo accounts' current codes on the console log-in page, the SMS outbox
# page (only the demo accounts' messages) and a banner on every page. `make demo` sets it.
DEMO_MODE = env.bool("TONGBAN_DEMO", default=False)
# Production is neither debug nor demo: tongban.core.checks then refuses the keys below when they
# are the demo values, short or low in entropy (`tongban serve` does not start; `check --deploy` fails).
SECRET_KEY = env.str("TONGBAN_SECRET_KEY", default=DEFAULT_SECRET)

# Key for personal data at rest (Fernet key material is derived from it); separate from SECRET_KEY
# so that rotating sessions does not lose encrypted data.
PERSONAL_DATA_KEY = env.str("TONGBAN_PERSONAL_DATA_KEY", default=DEMO_PERSONAL_DATA_KEY)

ALLOWED_HOSTS = env.list("TONGBAN_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("TONGBAN_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.orgs",
    "tongban.accounts",
    "tongban.notices",
    "tongban.catalog",
    "tongban.search",
    "tongban.timelimits",
    "tongban.workflow",
    "tongban.cases",
    "tongban.portal",
    "tongban.console",
    "tongban.api",
    "tongban.demo",
]

MIDDLEWARE = [
    "tongban.core.middleware.TrustedProxyMiddleware",  # first: forwarded headers only from TRUSTED_PROXIES
    "tongban.core.middleware.SecureCookiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tongban.core.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongban.core.middleware.ElderModeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"
ASGI_APPLICATION = "tongban.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.core.context_processors.platform",
                "tongban.notices.context_processors.unread",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env.str("TONGBAN_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'tongban.sqlite3'}")
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests use a file, not the in-memory shared cache: the live server's threads then wait for each
    # other's write locks (busy_timeout) instead of failing at once with "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("TONGBAN_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions, tasks -------------------------------------------------------------------
REDIS_URL = env.str("TONGBAN_REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": env.str("TONGBAN_CACHE_PREFIX", default="tongban"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Shared by every process (gunicorn workers, the task worker): a per-process local-memory cache
    # would let each worker keep its own view. The table comes with `migrate` (core.CacheEntry).
    # Rate limits and log-in lock-outs are counted in the database in every mode (core.ratelimit,
    # django-axes' database handler).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tongban_cache",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": env.str("TONGBAN_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    # Only one Argon2 hasher: Django picks hashers by algorithm name, and a second "argon2"
    # entry would re-hash passwords with its own (slower) costs on every log-in.
    "tongban.accounts.hashers.TongbanArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
AXES_FAILURE_LIMIT = env.int("TONGBAN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("TONGBAN_LOGIN_COOLOFF_HOURS", default=0.25)
# Failures are counted per account and per client address, never per User-Agent (a rotating
# User-Agent must not open a fresh count). An address has its own, larger limit: a service hall's
# Wi-Fi or a mobile carrier's NAT puts many people behind one address (accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "tongban.accounts.lockout.AccountAndAddressHandler"
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True  # only the account's own failures (accounts.lockout)
AXES_LOCKOUT_CALLABLE = "tongban.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Tongban"
# `outbox` delivers nothing (the table only); `demo`, the demo's default, also keeps what the demo
# accounts' phones received for /demo/outbox/ (tongban.demo.handset).
SMS_GATEWAY = env.str("TONGBAN_SMS_GATEWAY", default="demo" if DEMO_MODE else "outbox")
IDENTITY_VERIFIER = env.str("TONGBAN_IDENTITY_VERIFIER", default="local-population")
SMS_CODE_TTL_SECONDS = 300

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "tongban_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- security -------------------------------------------------------------------------------
PRODUCTION = not DEBUG and not DEMO_MODE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("TONGBAN_SESSION_SECONDS", default=8 * 3600)  # absolute, for everyone
# Staff sessions also end after this many minutes without a request (ASVS 3.3.2 asks 30 at level 2;
# core.middleware.StaffIdleTimeoutMiddleware).
STAFF_IDLE_MINUTES = env.int("TONGBAN_STAFF_IDLE_MINUTES", default=30)
# API tokens (accounts.tokens): a citizen's or legal person's lasts this many days; a member of staff's
# this many hours and never beyond the session their second factor opened (SESSION_COOKIE_AGE).
API_TOKEN_DAYS = env.int("TONGBAN_API_TOKEN_DAYS", default=30)
STAFF_API_TOKEN_HOURS = env.float("TONGBAN_STAFF_API_TOKEN_HOURS", default=8)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every cookie is Secure outside debug: session, CSRF and language here, the others (elder mode,
# messages …) through core.middleware.SecureCookiesMiddleware.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("TONGBAN_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Production answers plain HTTP with a redirect to HTTPS; /healthz stays plain for load-balancer
# probes. TONGBAN_HTTPS_REDIRECT=false when a server must answer plain HTTP itself (a local benchmark).
SECURE_SSL_REDIRECT = env.bool("TONGBAN_HTTPS_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# X-Forwarded-Proto (is it HTTPS?) and X-Forwarded-For (the client's address) count only from these
# proxy addresses or networks (comma-separated, CIDR allowed); from anyone else they are dropped
# (core.middleware.TrustedProxyMiddleware). The default trusts a proxy on the same machine only.
TRUSTED_PROXIES = env.list("TONGBAN_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler keeps a path in an upload's file name visible, so it is refused, not cut off.
FILE_UPLOAD_HANDLERS = [
    "tongban.core.multipart.PathKeepingUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- e-mail: files under DATA_DIR/mail in the embedded mode, SMTP etc. by URL in production -----
EMAIL_URL = env.str("TONGBAN_EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("TONGBAN_EMAIL_FROM", default="通办 <noreply@tongban.localhost>")

# Audit chain sealing: at most once per interval per process (seconds; 0 = after every commit).
AUDIT_SEAL_INTERVAL = env.float("TONGBAN_AUDIT_SEAL_INTERVAL", default=0.2)

# --- logging: personal data never reaches a log line ------------------------------------------
# Every handler carries the masking filter. Django's own loggers are routed here explicitly: its
# default configuration (a DEBUG-only console handler and mail to admins on `django`) would
# otherwise keep writing whole ID and phone numbers (django.request logs the path).
LOG_LEVEL = env.str("TONGBAN_LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "tongban.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {"format": "[%(asctime)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"], "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "filters": ["mask_personal"], "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO" if DEBUG else LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "py.warnings": {"handlers": ["console"], "propagate": False},
    },
}

# 办理结果文书 (decision PDFs): a TTF/TTC/OTF font with Chinese glyphs; empty = found on the system
# (fonts-wqy-zenhei or fonts-noto-cjk, see scripts/system-deps.sh)
DOCUMENT_FONT = env.str("TONGBAN_DOCUMENT_FONT", default="")

# 办件编号 under load: at most this many numbers reserved at once per process (1 = one at a time)
CASE_NUMBER_BLOCK = env.int("TONGBAN_CASE_NUMBER_BLOCK", default=32)

TONGBAN = {
    "HELP_LINE": env.str("TONGBAN_HELP_LINE", default="12345"),
    "PLATFORM_NAME": env.str("TONGBAN_PLATFORM_NAME", default="通办"),
    "TIME_LIMIT_WARNING_SHARE": env.float("TONGBAN_TIME_LIMIT_WARNING_SHARE", default=0.8),
    # a catalogue import's prune removes at most this share of each kind unless the count is confirmed
    "CATALOG_PRUNE_MAX_SHARE": env.float("TONGBAN_CATALOG_PRUNE_MAX_SHARE", default=0.10),
    # upload quotas (上传限额): files and megabytes per application (draft), and per applicant per day
    "UPLOAD_FILES_PER_DRAFT": env.int("TONGBAN_UPLOAD_FILES_PER_DRAFT", default=40),
    "UPLOAD_MB_PER_DRAFT": env.int("TONGBAN_UPLOAD_MB_PER_DRAFT", default=100),
    "UPLOAD_FILES_PER_DAY": env.int("TONGBAN_UPLOAD_FILES_PER_DAY", default=150),
    "UPLOAD_MB_PER_DAY": env.int("TONGBAN_UPLOAD_MB_PER_DAY", default=300),
}
