"""Admin of the platform's rows: the journal (entries, chain heads, checkpoints and
verification marks) and the mail records can only be viewed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .acties import actie_label
from .admin_services import ServiceModelAdmin
from .models import (
    Accountinstelling,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    AuditEntry,
    Verzending,
)


@admin.register(AuditEntry)
class AuditEntryAdmin(ServiceModelAdmin):
    """The journal: append-only, so view only."""

    list_display = (
        "keten",
        "seq",
        "timestamp",
        "actor_name",
        "actie",
        "object_type",
        "object_id",
        "object_repr",
    )
    list_filter = ("action", "object_type")
    search_fields = (
        "keten",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "actor_name",
        "request_id",
        "hash",
    )
    date_hierarchy = "timestamp"
    ordering = ("-timestamp", "-pk")
    show_full_result_count = False

    @admin.display(description=_("actie"), ordering="action")
    def actie(self, entry: AuditEntry) -> str:
        """The action's readable label, with its code."""
        return f"{actie_label(entry.action)} ({entry.action})"


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ServiceModelAdmin):
    """The journal's chain heads, for checking against `verify_ledger`; view only."""

    list_display = ("keten", "seq", "hash")


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ServiceModelAdmin):
    """Signed checkpoints of the chain heads; view only (append-only)."""

    list_display = ("created_at", "aanleiding", "sleutel")
    search_fields = ("aanleiding",)
    ordering = ("-created_at", "-pk")


@admin.register(AuditChainVerification)
class AuditChainVerificationAdmin(ServiceModelAdmin):
    """How far each chain was last verified (a cache of the auditor's page and
    verify_ledger); view only."""

    list_display = ("keten", "seq", "verified_at")
    ordering = ("keten",)


@admin.register(Accountinstelling)
class AccountinstellingAdmin(ServiceModelAdmin):
    """Users' own settings; each user changes them on their settings page."""

    list_display = ("user", "taal", "meldingen_per_mail", "updated_at")
    list_filter = ("taal", "meldingen_per_mail")


@admin.register(Verzending)
class VerzendingAdmin(ServiceModelAdmin):
    """The record of once-only messages (reminders, digests); view only."""

    list_display = ("sleutel", "created_at")
    search_fields = ("sleutel",)
