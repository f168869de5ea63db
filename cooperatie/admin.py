"""Admin of organisations, buildings, contracts, members and roles.

Every write goes through `cooperatie.services` (see `kern.admin_services`), so it
is journaled like any other change. Members' personal data is shown here because
only the platform operator (a superuser) reaches the admin; the journal keeps
digests of it, never the values.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kern.admin_services import ServiceModelAdmin, ServiceTabularInline

from . import koppelingen, services, sso
from .models import (
    ApiClient,
    ApiToken,
    Buurtkerncijfers,
    Cooperatie,
    Corporatie,
    Gebouw,
    GeslotenJaar,
    LedenInzage,
    Leefbaarometerscore,
    Lid,
    Overeenkomst,
    Relatie,
    Rol,
    SsoIdentiteit,
    Uitnodiging,
)


@admin.register(Corporatie)
class CorporatieAdmin(ServiceModelAdmin):
    create_service = services.corporatie_create
    update_service = services.corporatie_update

    list_display = ("naam", "kvk_nummer", "plaats", "aantal_gebouwen")
    list_filter = ("plaats",)
    search_fields = ("naam", "kvk_nummer", "plaats")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_aantal_gebouwen=Count("gebouwen"))
        )

    @admin.display(description=_("gebouwen"), ordering="_aantal_gebouwen")
    def aantal_gebouwen(self, obj):
        return obj._aantal_gebouwen


@admin.register(Gebouw)
class GebouwAdmin(ServiceModelAdmin):
    create_service = services.gebouw_create
    update_service = services.gebouw_update
    delete_service = services.gebouw_delete
    readonly_on_change = ("corporatie",)

    list_display = (
        "complexnummer",
        "naam",
        "corporatie",
        "plaats",
        "gemeentecode",
        "aantal_woningen",
        "daeb",
    )
    list_filter = ("daeb", "corporatie", "gemeentecode")
    search_fields = (
        "complexnummer",
        "naam",
        "straat",
        "postcode",
        "plaats",
        "buurtcode",
    )
    list_select_related = ("corporatie",)
    autocomplete_fields = ("corporatie",)


class LidInline(ServiceTabularInline):
    model = Lid
    create_service = services.lid_create
    update_service = services.lid_update
    fields = Lid.EDITABLE_FIELDS


@admin.register(Cooperatie)
class CooperatieAdmin(ServiceModelAdmin):
    create_service = services.cooperatie_create
    update_service = services.cooperatie_update
    readonly_on_change = ("aangemeld_door",)
    inlines = (LidInline,)

    list_display = ("naam", "soort", "kvk_nummer", "rechtsvorm", "aangemeld_door")
    list_filter = ("soort", "rechtsvorm")
    search_fields = ("naam", "kvk_nummer", "email")
    list_select_related = ("aangemeld_door",)
    autocomplete_fields = ("aangemeld_door",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Overeenkomst)
class OvereenkomstAdmin(ServiceModelAdmin):
    create_service = services.overeenkomst_create
    update_service = services.overeenkomst_update
    readonly_on_change = ("gebouw", "cooperatie")

    list_display = (
        "gebouw",
        "cooperatie",
        "soort",
        "ingangsdatum",
        "einddatum",
        "aantal_woningen",
    )
    list_filter = ("soort", "gebouw__corporatie")
    search_fields = (
        "gebouw__complexnummer",
        "gebouw__naam",
        "cooperatie__naam",
    )
    list_select_related = ("gebouw", "cooperatie")
    autocomplete_fields = ("gebouw", "cooperatie")
    date_hierarchy = "ingangsdatum"


@admin.register(Lid)
class LidAdmin(ServiceModelAdmin):
    create_service = services.lid_create
    update_service = services.lid_update
    readonly_on_change = ("cooperatie",)
    fields = ("cooperatie", *Lid.EDITABLE_FIELDS, "geanonimiseerd_op")
    readonly_fields = ("geanonimiseerd_op",)
    actions = ("lidmaatschap_beeindigen",)

    list_display = (
        "__str__",
        "naam",
        "cooperatie",
        "lid_sinds",
        "lid_tot",
        "bestuursfunctie",
        "doelgroep",
    )
    list_filter = ("bestuursfunctie", "doelgroep", "cooperatie")
    search_fields = ("naam", "email", "adres")
    list_select_related = ("cooperatie",)
    autocomplete_fields = ("cooperatie",)
    date_hierarchy = "lid_sinds"

    @admin.action(
        description=_("Lidmaatschap beëindigen (per vandaag)"),
        permissions=["change"],
    )
    def lidmaatschap_beeindigen(self, request, queryset):
        self.apply_service(
            request,
            queryset,
            services.lid_end,
            _("%(count)s lidmaatschap(pen) beëindigd."),
            lid_tot=timezone.localdate(),
        )


@admin.register(Rol)
class RolAdmin(ServiceModelAdmin):
    create_service = services.rol_create
    delete_service = services.rol_delete
    add_fields = ("user", "soort", "corporatie", "cooperatie", "gemeentecode")

    list_display = (
        "user",
        "soort",
        "corporatie",
        "cooperatie",
        "gemeentecode",
        "created_at",
    )
    list_filter = ("soort",)
    search_fields = (
        "user__username",
        "user__email",
        "corporatie__naam",
        "cooperatie__naam",
        "gemeentecode",
    )
    list_select_related = ("user", "corporatie", "cooperatie")
    autocomplete_fields = ("user", "corporatie", "cooperatie")
    readonly_fields = ("created_at",)


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceModelAdmin):
    """Users make their own tokens (API); the operator can see and revoke them."""

    instance_kwarg = "token"
    actions = ("intrekken",)

    list_display = (
        "naam",
        "user",
        "prefix",
        "created_at",
        "verloopt_op",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("naam", "prefix", "user__username")
    list_select_related = ("user",)

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def intrekken(self, request, queryset):
        self.apply_service(
            request,
            queryset,
            services.apitoken_revoke,
            _("%(count)s token(s) ingetrokken."),
        )


@admin.register(ApiClient)
class ApiClientAdmin(ServiceModelAdmin):
    """A corporatie's beheerders register machine clients (portal, API), where
    the secret is shown once; the operator can see and revoke them."""

    instance_kwarg = "client"
    actions = ("intrekken",)

    list_display = ("naam", "corporatie", "client_id", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("naam", "client_id", "corporatie__naam")
    list_select_related = ("corporatie",)

    @admin.action(description=_("Geselecteerde koppelingen intrekken"))
    def intrekken(self, request, queryset):
        self.apply_service(
            request,
            queryset,
            koppelingen.apiclient_revoke,
            _("%(count)s koppeling(en) ingetrokken."),
        )


@admin.register(Uitnodiging)
class UitnodigingAdmin(ServiceModelAdmin):
    """Invitations are made in the portals and the API; here the operator can
    see them."""

    list_display = (
        "soort",
        "corporatie",
        "cooperatie",
        "created_at",
        "verloopt_op",
        "geaccepteerd_op",
        "ingetrokken_op",
    )
    list_filter = ("soort",)
    search_fields = ("corporatie__naam", "cooperatie__naam")
    list_select_related = ("corporatie", "cooperatie")
    exclude = ("key_hash", "journaal_salt")


@admin.register(SsoIdentiteit)
class SsoIdentiteitAdmin(ServiceModelAdmin):
    """The identities at the identity provider accounts sign in with: the
    operator can only remove one (journaled; the account's sessions end, and
    its next sign-in through the provider records the identity it comes
    with), e.g. when the person got a new identity there."""

    delete_service = sso.ssoidentiteit_delete

    list_display = ("user", "issuer", "sub", "created_at")
    search_fields = ("user__username", "user__email", "sub")
    list_select_related = ("user",)
    fields = ("user", "issuer", "sub", "created_at")
    readonly_fields = fields


@admin.register(LedenInzage)
class LedenInzageAdmin(ServiceModelAdmin):
    """The read log of member data (AVG accountability): view only, written by
    the pages and the API as they show member rows."""

    list_display = ("timestamp", "username", "cooperatie", "bron", "aantal")
    list_filter = ("bron",)
    search_fields = ("username", "cooperatie__naam")
    list_select_related = ("cooperatie",)
    date_hierarchy = "timestamp"


@admin.register(Relatie)
class RelatieAdmin(ServiceModelAdmin):
    """Ties of corporaties and cooperaties, which tenancy follows; kept by the
    services of overeenkomsten and afspraken, view only."""

    list_display = ("corporatie", "cooperatie")
    list_filter = ("corporatie",)
    search_fields = ("corporatie__naam", "cooperatie__naam")
    list_select_related = ("corporatie", "cooperatie")


@admin.register(GeslotenJaar)
class GeslotenJaarAdmin(ServiceModelAdmin):
    """Closed years of the cooperaties; kept by the afspraken services, view
    only."""

    list_display = ("cooperatie", "jaar", "status")
    list_filter = ("status", "jaar")
    search_fields = ("cooperatie__naam",)
    list_select_related = ("cooperatie",)


@admin.register(Leefbaarometerscore)
class LeefbaarometerscoreAdmin(ServiceModelAdmin):
    """Public Leefbaarometer scores per buurt; imported with
    `import_buurtcijfers`, view only."""

    list_display = ("buurtcode", "meetjaar", "versie", "totaal", "afwijking")
    list_filter = ("versie", "meetjaar")
    search_fields = ("buurtcode",)


@admin.register(Buurtkerncijfers)
class BuurtkerncijfersAdmin(ServiceModelAdmin):
    """Public CBS key figures per buurt; imported with `import_buurtcijfers`,
    view only."""

    list_display = ("buurtcode", "jaar", "aantal_inwoners", "woningvoorraad")
    list_filter = ("jaar",)
    search_fields = ("buurtcode",)
