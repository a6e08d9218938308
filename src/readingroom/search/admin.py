from django.contrib import admin

from .models import IndexTask


@admin.register(IndexTask)
class IndexTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "record_pk", "op", "enqueued_at"]
    list_filter = ["op"]
