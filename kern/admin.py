"""Admin of the platform's rows: the journal (entries, chain heads, checkpoints and
verification marks) and the mail records can only be viewed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice

from . import tweestaps
from .acties import actie_label
from .admin_services import ServiceModelAdmin
from .models import (
    Aanmeldtijdperk,
    Accountinstelling,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    AuditEntry,
    Herstelcode,
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


@admin.register(Aanmeldtijdperk)
class AanmeldtijdperkAdmin(ServiceModelAdmin):
    """Users' sign-in epochs: raised by enrolling or removing a second factor
    and by a new password; view only."""

    list_display = ("user", "nummer", "gewijzigd_op")


@admin.register(Verzending)
class VerzendingAdmin(ServiceModelAdmin):
    """The record of once-only messages (reminders, digests); view only."""

    list_display = ("sleutel", "created_at")
    search_fields = ("sleutel",)


@admin.register(Herstelcode)
class HerstelcodeAdmin(ServiceModelAdmin):
    """Recovery codes of second factors, as hashes; view only (a user makes
    new ones on their own page)."""

    list_display = ("user", "created_at", "gebruikt_op")
    list_filter = ("gebruikt_op",)


# django-otp's own admin shows a device's secret and QR code: replaced by one
# that shows neither and removes a user's factor through the service.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ServiceModelAdmin):
    """Users' authenticator apps: the operator can only remove one (journaled;
    every session of its user ends)."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    delete_service = tweestaps.tweestaps_reset
