"""Admin of agreements, their clauses, yearly assessments, reports and legal
figures. Writes go through `afspraken.services`; sealed reports are read-only."""

from django.contrib import admin

from kern.admin_services import ServiceModelAdmin, ServiceTabularInline

from . import services
from .models import (
    MAX_DOELEN,
    Afspraak,
    Beoordeling,
    Jaarparameter,
    Prestatieafspraak,
    Prestatiedoel,
    Rapport,
    Toetsing,
    Toezegging,
)


class ToezeggingInline(ServiceTabularInline):
    model = Toezegging
    create_service = services.toezegging_create
    update_service = services.toezegging_update
    delete_service = services.toezegging_delete
    fields = services.TOEZEGGING_FIELDS
    extra = 1


@admin.register(Afspraak)
class AfspraakAdmin(ServiceModelAdmin):
    create_service = services.afspraak_create
    update_service = services.afspraak_update
    readonly_on_change = ("corporatie", "cooperatie")
    inlines = (ToezeggingInline,)

    list_display = (
        "titel",
        "corporatie",
        "cooperatie",
        "ingangsjaar",
        "eindjaar",
        "ondertekend_op",
    )
    list_filter = ("ingangsjaar", "corporatie")
    search_fields = (
        "titel",
        "prestatieafspraak_kenmerk",
        "corporatie__naam",
        "cooperatie__naam",
    )
    list_select_related = ("corporatie", "cooperatie")
    autocomplete_fields = ("corporatie", "cooperatie", "gebouwen", "prestatieafspraak")


class PrestatiedoelInline(ServiceTabularInline):
    model = Prestatiedoel
    create_service = services.prestatiedoel_create
    update_service = services.prestatiedoel_update
    delete_service = services.prestatiedoel_delete
    fields = (*services.DOEL_FIELDS, "volgorde")
    extra = 1
    max_num = MAX_DOELEN


@admin.register(Prestatieafspraak)
class PrestatieafspraakAdmin(ServiceModelAdmin):
    create_service = services.prestatieafspraak_create
    update_service = services.prestatieafspraak_update
    delete_service = services.prestatieafspraak_delete
    readonly_on_change = ("corporatie",)
    inlines = (PrestatiedoelInline,)

    list_display = ("titel", "corporatie", "gemeentecode", "ingangsjaar", "eindjaar")
    list_filter = ("ingangsjaar", "corporatie")
    search_fields = ("titel", "gemeentecode", "huurdersorganisatie", "corporatie__naam")
    list_select_related = ("corporatie",)
    autocomplete_fields = ("corporatie",)


@admin.register(Prestatiedoel)
class PrestatiedoelAdmin(ServiceModelAdmin):
    create_service = services.prestatiedoel_create
    update_service = services.prestatiedoel_update
    delete_service = services.prestatiedoel_delete
    readonly_on_change = ("prestatieafspraak",)

    list_display = ("omschrijving", "prestatieafspraak", "thema", "streefwaarde")
    list_filter = ("thema",)
    search_fields = ("omschrijving", "prestatieafspraak__titel")
    list_select_related = ("prestatieafspraak",)
    autocomplete_fields = ("prestatieafspraak",)


@admin.register(Toezegging)
class ToezeggingAdmin(ServiceModelAdmin):
    create_service = services.toezegging_create
    update_service = services.toezegging_update
    delete_service = services.toezegging_delete
    readonly_on_change = ("afspraak",)

    list_display = (
        "omschrijving",
        "afspraak",
        "indicator",
        "norm",
        "richting",
        "zwaarwegend",
    )
    list_filter = ("indicator", "richting", "zwaarwegend", "thema")
    search_fields = ("omschrijving", "afspraak__titel")
    list_select_related = ("afspraak",)
    autocomplete_fields = ("afspraak",)


@admin.register(Toetsing)
class ToetsingAdmin(ServiceModelAdmin):
    """Opened here through `toetsing_open`; its status moves only through the
    yearly cycle (indienen, terugsturen, vaststellen), so the change page is
    read-only."""

    create_service = services.toetsing_open
    add_fields = ("afspraak", "jaar")

    list_display = (
        "afspraak",
        "jaar",
        "status",
        "verdict",
        "ingediend_op",
        "vastgesteld_op",
    )
    list_filter = ("status", "verdict", "jaar")
    search_fields = (
        "afspraak__titel",
        "afspraak__corporatie__naam",
        "afspraak__cooperatie__naam",
    )
    list_select_related = ("afspraak",)
    autocomplete_fields = ("afspraak",)


@admin.register(Rapport)
class RapportAdmin(ServiceModelAdmin):
    """Sealed reports are append-only: no services, so view only."""

    list_display = ("toetsing", "sha256", "taal", "created_at", "created_by")
    list_filter = ("toetsing__jaar",)
    search_fields = ("sha256", "toetsing__afspraak__titel")
    list_select_related = ("toetsing__afspraak", "created_by")
    date_hierarchy = "created_at"


@admin.register(Beoordeling)
class BeoordelingAdmin(ServiceModelAdmin):
    """Assessments of kwalitatief clauses are made in the yearly cycle; the admin
    shows them."""

    list_display = (
        "toezegging",
        "toetsing",
        "oordeel",
        "beoordeeld_door",
        "beoordeeld_op",
    )
    list_filter = ("oordeel", "toetsing__jaar")
    search_fields = ("toelichting", "toezegging__omschrijving")
    list_select_related = ("toezegging", "toetsing__afspraak", "beoordeeld_door")


@admin.register(Jaarparameter)
class JaarparameterAdmin(ServiceModelAdmin):
    create_service = services.jaarparameter_create
    update_service = services.jaarparameter_update
    instance_kwarg = "parameter"
    readonly_on_change = ("jaar", "code")

    list_display = ("code", "jaar", "waarde", "bron")
    list_filter = ("code", "jaar")
    search_fields = ("bron",)
