"""API tokens: a staff member's key for the write endpoints. Only a hash is stored, so a leaked database
does not leak working keys; the key itself is shown once, when it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="api_tokens", on_delete=models.CASCADE)
    name = models.CharField(max_length=200, blank=True, help_text="What the token is for, e.g. 'digitisation lab'")
    prefix = models.CharField(max_length=12, db_index=True, help_text="The key's first characters, to tell tokens apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}{', revoked' if self.revoked else ''})"
