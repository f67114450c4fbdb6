"""Tongban settings: one module, configured only by environment variables (12-factor).

The embedded mode (no variables set) runs on a SQLite file under ./var/ with local-memory
cache and the database task queue. Production sets TONGBAN_DEBUG=false, a real
TONGBAN_SECRET_KEY, TONGBAN_DATABASE_URL=postgres://… and TONGBAN_REDIS_URL=redis://….
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DEFAULT_SECRET = "tongban-embedded-demo-secret-do-not-use-in-production"
DATA_DIR = Path(env.str("TONGBAN_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("TONGBAN_DEBUG", default=True)
DEMO_MODE = env.bool("TONGBAN_DEMO", default=DEBUG)
SECRET_KEY = env.str("TONGBAN_SECRET_KEY", default=DEFAULT_SECRET)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET:
    raise ImproperlyConfigured(
        "TONGBAN_SECRET_KEY is the built-in demo value; production mode (TONGBAN_DEBUG=false) "
        "refuses to start with it. Set TONGBAN_SECRET_KEY to a long random value."
    )
if not DEBUG and DEMO_MODE:
    raise ImproperlyConfigured("TONGBAN_DEMO=true is not allowed when TONGBAN_DEBUG=false.")

# Key for personal data at rest (Fernet key material is derived from it); separate from SECRET_KEY
# so that rotating sessions does not lose encrypted data.
PERSONAL_DATA_KEY = env.str("TONGBAN_PERSONAL_DATA_KEY", default="" if not DEBUG else SECRET_KEY)
if not DEBUG and (not PERSONAL_DATA_KEY or PERSONAL_DATA_KEY in (DEFAULT_SECRET, SECRET_KEY)):
    raise ImproperlyConfigured(
        "Set TONGBAN_PERSONAL_DATA_KEY in production mode, different from TONGBAN_SECRET_KEY: it encrypts "
        "ID and phone numbers at rest and must survive a rotation of the session secret."
    )

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
]

MIDDLEWARE = [
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
                "tongban.core.context_processors.unread",
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongban.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Tongban"
SMS_GATEWAY = env.str("TONGBAN_SMS_GATEWAY", default="outbox")
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
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("TONGBAN_SESSION_SECONDS", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("TONGBAN_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
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

# 办件编号 under load: at most this many numbers reserved at once per process (1 = one at a time)
CASE_NUMBER_BLOCK = env.int("TONGBAN_CASE_NUMBER_BLOCK", default=32)

TONGBAN = {
    "HELP_LINE": env.str("TONGBAN_HELP_LINE", default="12345"),
    "PLATFORM_NAME": env.str("TONGBAN_PLATFORM_NAME", default="通办"),
    "TIME_LIMIT_WARNING_SHARE": env.float("TONGBAN_TIME_LIMIT_WARNING_SHARE", default=0.8),
}
