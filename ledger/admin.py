"""Admin of activities, evidence and bookings.

Writes go through `ledger.services`. Bookings are append-only: they are added
here and cancelled with the "storneren" action, never edited or deleted.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kern.admin_services import ServiceModelAdmin, ServiceTabularInline

from . import services
from .models import (
    Activiteit,
    ActiviteitJaartotaal,
    Bijlage,
    Boeking,
    Bon,
    Vrijwilliger,
    VrijwilligerJaartelling,
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The admin leaves out a many-to-many with its own through model; the
        # services write the volunteer rows (the hours per volunteer are
        # entered in the bestuur's portal and kept by the service).
        if db_field.name == "vrijwilligers":
            kwargs.setdefault(
                "widget",
                AutocompleteSelectMultiple(db_field, self.admin_site),
            )
            kwargs.setdefault(
                "queryset", db_field.remote_field.model._default_manager.all()
            )
            kwargs.setdefault("required", False)
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Vrijwilliger)
class VrijwilligerAdmin(ServiceModelAdmin):
    """Who volunteered in which activity, with their hours; written with the
    activity by the ledger services, view only."""

    list_display = ("activiteit", "lid", "uren")
    search_fields = ("activiteit__titel", "lid__naam")
    list_select_related = ("activiteit", "lid")


@admin.register(ActiviteitJaartotaal)
class ActiviteitJaartotaalAdmin(ServiceModelAdmin):
    """The activities' totals per cooperatie-year, thema and openness, kept by
    the database (`ledger.jaartotalen`); view only."""

    list_display = (
        "cooperatie",
        "jaar",
        "thema",
        "open_voor_buurt",
        "aantal",
        "vrijwilligersuren",
        "deelnemers_buurt",
    )
    list_filter = ("jaar",)
    list_select_related = ("cooperatie",)


@admin.register(VrijwilligerJaartelling)
class VrijwilligerJaartellingAdmin(ServiceModelAdmin):
    """In how many activities of a cooperatie-year each member volunteered, kept
    by the database (`ledger.jaartotalen`); view only."""

    list_display = ("cooperatie", "jaar", "lid", "aantal")
    list_filter = ("jaar",)
    list_select_related = ("cooperatie", "lid")


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


@admin.register(Bon)
class BonAdmin(ServiceModelAdmin):
    create_service = services.bon_add
    delete_service = services.bon_delete
    add_fields = ("boeking", "bestand", "omschrijving")

    list_display = ("__str__", "boeking", "content_type", "grootte", "created_at")
    list_filter = ("content_type",)
    search_fields = ("omschrijving", "oorspronkelijke_naam", "sha256")
    list_select_related = ("boeking",)
    autocomplete_fields = ("boeking",)
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
            # A storno always has a reason; the platform's operator acts on a
            # request from outside the product, which this reason names.
            omschrijving=gettext("Gestorneerd door het platformbeheer op verzoek."),
        )
