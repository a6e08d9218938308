from django.conf import settings


def site(request) -> dict:
    return {"archive_name": settings.READINGROOM_ARCHIVE_NAME}
