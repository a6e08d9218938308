"""Django settings, read from the environment so one code base serves a laptop and a cluster.

READINGROOM_DATA_DIR holds the SQLite database, media (scans) and the search index.
DATABASE_URL switches to PostgreSQL (postgres://user:pass@host:port/name).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("READINGROOM_DATA_DIR", Path.cwd() / "data")).resolve()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _bool("READINGROOM_DEBUG", False)
SECRET_KEY = os.environ.get("READINGROOM_SECRET_KEY", "insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = [h for h in os.environ.get("READINGROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "readingroom.catalog",
    "readingroom.web",
    "readingroom.ocr",
    "readingroom.search",
]

MIDDLEWARE = [
    "readingroom.web.middleware.HeadWithoutBody",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "readingroom.web.middleware.PrivateWhenSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets model history (django-simple-history) record who made an edit in the admin or the editing page.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
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
READINGROOM_INDEX_DIR = Path(os.environ.get("READINGROOM_INDEX_DIR", DATA_DIR / "index"))
# IIIF derivatives (tiles, thumbnails) are cached on disk; the least recently used go beyond this size.
READINGROOM_IIIF_CACHE_DIR = Path(os.environ.get("READINGROOM_IIIF_CACHE_DIR", DATA_DIR / "cache" / "iiif"))
READINGROOM_IIIF_CACHE_MB = int(os.environ.get("READINGROOM_IIIF_CACHE_MB", "2048"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("READINGROOM_LOG_LEVEL", "WARNING")},
}

# OCR scale-out: Celery workers on any number of machines share this Redis broker (empty: local pool only).
READINGROOM_BROKER_URL = os.environ.get("READINGROOM_BROKER_URL", "")
# Page clean-up before OCR, off unless listed: any of rotate, deskew, clean (unpaper), comma-separated.
READINGROOM_OCR_CLEANUP = [s.strip() for s in os.environ.get("READINGROOM_OCR_CLEANUP", "").split(",") if s.strip()]

# Version comments (django-simple-history's change reason) are free text, not its default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
