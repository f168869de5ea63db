"""Admin of activities, evidence, bookings and the journal.

Writes go through `ledger.services`. Bookings are append-only: they are added
here and cancelled with the "storneren" action, never edited or deleted. The
journal and its head can only be viewed.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_services import ServiceModelAdmin, ServiceTabularInline
from .models import (
    Activiteit,
    AuditChainHead,
    AuditChainVerification,
    AuditEntry,
    Bijlage,
    Boeking,
    JournaalCheckpoint,
)


class BijlageInline(ServiceTabularInline):
    """Evidence is added and removed, never edited."""

    model = Bijlage
    create_service = services.bijlage_add
    delete_service = services.bijlage_delete
    fields = ("bestand", "omschrijving", "content_type", "grootte")
    readonly_fields = ("content_type", "grootte")


@admin.register(Activiteit)
class ActiviteitAdmin(ServiceModelAdmin):
    create_service = services.activiteit_create
    update_service = services.activiteit_update
    delete_service = services.activiteit_delete
    readonly_on_change = ("cooperatie",)
    readonly_fields = ("created_at",)
    inlines = (BijlageInline,)

    list_display = (
        "datum",
        "titel",
        "cooperatie",
        "thema",
        "open_voor_buurt",
        "deelnemers_leden",
        "deelnemers_buurt",
        "vrijwilligersuren",
    )
    list_filter = ("thema", "open_voor_buurt", "cooperatie")
    search_fields = ("titel", "omschrijving", "partners", "cooperatie__naam")
    list_select_related = ("cooperatie",)
    autocomplete_fields = ("cooperatie", "vrijwilligers")
    date_hierarchy = "datum"


@admin.register(Bijlage)
class BijlageAdmin(ServiceModelAdmin):
    create_service = services.bijlage_add
    delete_service = services.bijlage_delete
    add_fields = ("activiteit", "bestand", "omschrijving")

    list_display = ("__str__", "activiteit", "content_type", "grootte", "created_at")
    list_filter = ("content_type",)
    search_fields = ("omschrijving", "sha256", "activiteit__titel")
    list_select_related = ("activiteit",)
    autocomplete_fields = ("activiteit",)
    date_hierarchy = "created_at"


@admin.register(Boeking)
class BoekingAdmin(ServiceModelAdmin):
    create_service = services.boeking_create
    add_fields = (
        "cooperatie",
        "datum",
        "soort",
        "bedrag",
        "omschrijving",
        "activiteit",
    )
    actions = ("storneren",)

    list_display = (
        "datum",
        "cooperatie",
        "soort",
        "bedrag",
        "omschrijving",
        "is_storno",
        "corrigeert",
    )
    list_filter = (
        "soort",
        ("corrigeert", admin.EmptyFieldListFilter),
        "cooperatie",
    )
    search_fields = ("omschrijving", "cooperatie__naam")
    list_select_related = ("cooperatie", "corrigeert")
    autocomplete_fields = ("cooperatie", "activiteit")
    date_hierarchy = "datum"

    @admin.display(description=_("storno"), boolean=True)
    def is_storno(self, obj):
        return obj.is_storno

    @admin.action(description=_("Storneren"), permissions=["add"])
    def storneren(self, request, queryset):
        self.apply_service(
            request,
            queryset,
            services.boeking_storno,
            _("%(count)s boeking(en) gestorneerd."),
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ServiceModelAdmin):
    """The journal: append-only, so view only."""

    list_display = (
        "keten",
        "seq",
        "timestamp",
        "actor_name",
        "action",
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


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ServiceModelAdmin):
    """The journal's chain heads, for checking against `verify_ledger`; view only."""

    list_display = ("keten", "seq", "hash")


@admin.register(JournaalCheckpoint)
class JournaalCheckpointAdmin(ServiceModelAdmin):
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
