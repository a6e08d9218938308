"""Django settings, read from the environment so one code base serves a laptop and a cluster.

READINGROOM_DATA_DIR holds the SQLite database, media (scans) and the search index.
DATABASE_URL switches to PostgreSQL (postgres://user:pass@host:port/name).
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from readingroom import secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("READINGROOM_DATA_DIR", Path.cwd() / "data")).resolve()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


DEBUG = _bool("READINGROOM_DEBUG", False)
# The variable, else the key `readingroom init` (or any command) wrote into the data directory.
SECRET_KEY = os.environ.get("READINGROOM_SECRET_KEY") or secret_key.read(DATA_DIR) or secret_key.DEVELOPMENT_KEY
# Whether the variable chose the key: if not, the command line uses the file it may have just written.
READINGROOM_SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("READINGROOM_SECRET_KEY"))
ALLOWED_HOSTS = [h for h in os.environ.get("READINGROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "readingroom.catalog",
    "readingroom.web",
    "readingroom.ocr",
    "readingroom.search",
    "readingroom.api",
    "ninja",  # serves its Swagger UI from its own static files, not a CDN
]

MIDDLEWARE = [
    "readingroom.web.middleware.HeadWithoutBody",
    "readingroom.web.middleware.RefuseNulCharacters",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Speaks the reader's language (the picker's cookie, else Accept-Language) and says so in Vary.
    "readingroom.web.middleware.VaryOnLanguage",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "readingroom.web.middleware.PrivateWhenSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets model history (django-simple-history) record who made an edit in the admin or the editing page.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "readingroom.urls"
WSGI_APPLICATION = "readingroom.wsgi.application"

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
                "readingroom.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'readingroom.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (web) run while an importer writes; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# HTTPS. Off by default so that the plain-HTTP demo on 127.0.0.1 works; README "Security" lists the
# production values, which `python -m django check --deploy` accepts.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _bool("READINGROOM_SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = _int("READINGROOM_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("READINGROOM_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _bool("READINGROOM_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _bool("READINGROOM_SSL_REDIRECT", False)
# Behind a proxy that terminates TLS: the header it sets to "https" (e.g. X-Forwarded-Proto). Only set
# it when the proxy always sets or strips that header, or a client could claim HTTPS.
_proxy_header = os.environ.get("READINGROOM_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
# How many proxies in front append to X-Forwarded-For: the login rate limit counts the client's address.
READINGROOM_TRUSTED_PROXIES = _int("READINGROOM_TRUSTED_PROXIES", 0)

# No inline script and no inline event handlers: every script is a file under /static/, and data reaches it
# through json_script or data- attributes. Style attributes are allowed (the date timeline's bar widths);
# of inline <style> elements only the one rule the vendored OpenSeadragon adds, by its hash.
OPENSEADRAGON_STYLE = "@media (hover: none) {    .openseadragon-canvas:focus {        outline: none !important;    }}"
_openseadragon_hash = base64.b64encode(hashlib.sha256(OPENSEADRAGON_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", f"'sha256-{_openseadragon_hash}'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The login rate limit (django-axes): a username tried from one client address is locked out after this
# many failures for this long. Locking the pair, not the username alone, keeps a stranger from locking
# staff out by failing on purpose; a successful login forgets earlier failures.
AUTHENTICATION_BACKENDS = [
    "readingroom.web.login_limit.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _int("READINGROOM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_int("READINGROOM_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "readingroom.web.login_limit.client_address"
AXES_VERBOSE = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
# The interface's languages (record data stays as catalogued). Without the picker's cookie, the browser's
# Accept-Language chooses; URLs are the same in every language.
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The public identity of this reading room, used in citations and permalinks.
READINGROOM_ARCHIVE_NAME = os.environ.get("READINGROOM_ARCHIVE_NAME", "readingroom Digital Archive")
READINGROOM_BASE_URL = os.environ.get("READINGROOM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# OAI-PMH (/oai): the contact harvesters are given, and the middle of the identifiers (oai:<this>:<id>);
# unset, the host of READINGROOM_BASE_URL. Keep it when the address changes, or harvesters see new records.
READINGROOM_OAI_ADMIN_EMAIL = os.environ.get("READINGROOM_OAI_ADMIN_EMAIL", "archive@localhost.localdomain")
READINGROOM_OAI_NAMESPACE = os.environ.get("READINGROOM_OAI_NAMESPACE", "")
# Forms posted through a proxy that changes the host or scheme: the public address's origin, and any listed.
CSRF_TRUSTED_ORIGINS = sorted({o for o in (
    "{0.scheme}://{0.netloc}".format(urlsplit(READINGROOM_BASE_URL)),
    *(o.strip() for o in os.environ.get("READINGROOM_CSRF_TRUSTED_ORIGINS", "").split(",")),
) if o})
if bad_origins := [o for o in CSRF_TRUSTED_ORIGINS if "://" not in o]:
    raise ImproperlyConfigured(f"READINGROOM_CSRF_TRUSTED_ORIGINS: origins start with their scheme, e.g. https://{bad_origins[0]}")
READINGROOM_INDEX_DIR = Path(os.environ.get("READINGROOM_INDEX_DIR", DATA_DIR / "index"))
# IIIF derivatives (tiles, thumbnails) are cached on disk; the least recently used go beyond this size.
READINGROOM_IIIF_CACHE_DIR = Path(os.environ.get("READINGROOM_IIIF_CACHE_DIR", DATA_DIR / "cache" / "iiif"))
READINGROOM_IIIF_CACHE_MB = int(os.environ.get("READINGROOM_IIIF_CACHE_MB", "2048"))
# IIIF renders running at once per server process (more wait up to READINGROOM_IIIF_RENDER_WAIT seconds,
# then get 503 with Retry-After): one per core is what the machine can do at once.
READINGROOM_IIIF_RENDERS = int(os.environ.get("READINGROOM_IIIF_RENDERS", "0")) or max(2, os.cpu_count() or 2)
READINGROOM_IIIF_RENDER_WAIT = float(os.environ.get("READINGROOM_IIIF_RENDER_WAIT", "2"))
# The largest page image the API accepts in one upload (api/writing.py); larger ones get 413.
READINGROOM_API_MAX_UPLOAD_BYTES = _int("READINGROOM_API_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# Each server process's own memory cache (rendered citations, the document pages' computed parts, whose keys
# change with the catalogue, so a per-process cache is never stale). Django's default of 300 entries was
# smaller than one reader's walk through a collection; an entry is 1-3 kB.
# Rendered document pages and their records' bundles (web/document_parts.py) are 10-100 kB each: they have
# their own store, so that they never push out the small entries and its memory stays bounded (3,000 entries,
# about 100 MB at most per process).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": _int("READINGROOM_CACHE_ENTRIES", 20_000)}},
          "documents": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "documents",
                        "OPTIONS": {"MAX_ENTRIES": _int("READINGROOM_DOCUMENT_CACHE_ENTRIES", 3_000)}}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("READINGROOM_LOG_LEVEL", "WARNING")},
}

# OCR scale-out: Celery workers on any number of machines share this Redis broker (empty: local pool only).
READINGROOM_BROKER_URL = os.environ.get("READINGROOM_BROKER_URL", "")
# Seconds after which a page a worker took but never acknowledged goes back to the queue (a lost machine).
READINGROOM_CELERY_VISIBILITY_TIMEOUT = _int("READINGROOM_CELERY_VISIBILITY_TIMEOUT", 3600)
# Imports: images above this many pixels are refused (decompression bombs); 150 MP is a 600 dpi scan of an
# A2 sheet.
READINGROOM_MAX_PAGE_PIXELS = _int("READINGROOM_MAX_PAGE_PIXELS", 150_000_000)
# Imports: read FRUS volumes ahead in other processes (ingest/prefetch.py): on (1), off (0), or unset: when
# a core is idle as the import starts.
_read_ahead = os.environ.get("READINGROOM_READ_AHEAD", "").strip().lower()
READINGROOM_READ_AHEAD = (True if _read_ahead in {"1", "yes", "on", "true"}
                          else False if _read_ahead in {"0", "no", "off", "false"} else None)
# The command line's progress bars, also when its output is not a terminal (e.g. a log file).
READINGROOM_PROGRESS = _bool("READINGROOM_PROGRESS", False)
# The Tesseract program OCR runs (a name on PATH or a path), and the seconds one page may take.
READINGROOM_TESSERACT = os.environ.get("READINGROOM_TESSERACT", "tesseract")
READINGROOM_OCR_TIMEOUT = _int("READINGROOM_OCR_TIMEOUT", 600)
# Page clean-up before OCR, off unless listed: any of rotate, deskew, clean (unpaper), comma-separated.
READINGROOM_OCR_CLEANUP = [s.strip() for s in os.environ.get("READINGROOM_OCR_CLEANUP", "").split(",") if s.strip()]

# Version comments (django-simple-history's change reason) are free text, not its default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
