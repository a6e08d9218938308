from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `readingroom api-token create` (the key is shown once); here staff see and
    revoke them (set "revoked")."""

    list_display = ("prefix", "user", "name", "created", "last_used", "revoked")
    readonly_fields = ("prefix", "key_hash", "user", "created", "last_used")
    fields = ("prefix", "user", "name", "created", "last_used", "revoked", "key_hash")

    def has_add_permission(self, request) -> bool:
        return False
