"""The journal's action codes as people read them.

Services journal every write under a code (`boeking_create`,
`toetsing_vaststellen`); the code is part of the hash-chained entry and of the
API, so it never changes. Pages show the label instead (in the page's language),
and the code where the label is unknown. A test scans the source for every code
the services write and requires a label here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIE_LABELS = {
    # Accounts, roles and access
    "account_create": _("Account aangemaakt"),
    "rol_create": _("Rol toegekend"),
    "rol_delete": _("Rol beëindigd"),
    "uitnodiging_create": _("Uitnodiging verstuurd"),
    "uitnodiging_resend": _("Uitnodiging opnieuw verstuurd"),
    "uitnodiging_withdraw": _("Uitnodiging ingetrokken"),
    "uitnodiging_accept": _("Uitnodiging aangenomen"),
    "apitoken_create": _("API-token gemaakt"),
    "apitoken_revoke": _("API-token ingetrokken"),
    "tweestaps_aan": _("Tweestapsverificatie aangezet"),
    "tweestaps_uit": _("Tweestapsverificatie uitgezet"),
    "herstelcodes_vernieuwd": _("Nieuwe herstelcodes gemaakt"),
    "apiclient_create": _("API-koppeling geregistreerd"),
    "apiclient_revoke": _("API-koppeling ingetrokken"),
    "ssoidentiteit_create": _("Identiteit bij de aanmelddienst gekoppeld"),
    "ssoidentiteit_delete": _("Identiteit bij de aanmelddienst ontkoppeld"),
    # Organisations, buildings and contracts
    "corporatie_create": _("Corporatie vastgelegd"),
    "corporatie_update": _("Corporatie gewijzigd"),
    "cooperatie_create": _("Coöperatie vastgelegd"),
    "cooperatie_update": _("Coöperatie gewijzigd"),
    "gebouw_create": _("Gebouw vastgelegd"),
    "gebouw_update": _("Gebouw gewijzigd"),
    "gebouw_delete": _("Gebouw verwijderd"),
    "overeenkomst_create": _("Overeenkomst vastgelegd"),
    "overeenkomst_update": _("Overeenkomst gewijzigd"),
    "overeenkomst_end": _("Overeenkomst beëindigd"),
    # Members
    "lid_create": _("Lid toegevoegd"),
    "lid_update": _("Lid gewijzigd"),
    "lid_end": _("Lidmaatschap beëindigd"),
    "lid_wissen": _("Persoonsgegevens van lid gewist"),
    # Activities, evidence and bookings
    "activiteit_create": _("Activiteit vastgelegd"),
    "activiteit_update": _("Activiteit gewijzigd"),
    "activiteit_delete": _("Activiteit verwijderd"),
    "activiteit_copy": _("Activiteit gekopieerd"),
    "activiteit_repeat": _("Activiteit herhaald"),
    "activiteit_import": _("Activiteit ingelezen"),
    "activiteittotalen_herstel": _("Activiteitentotalen hersteld"),
    "bijlage_add": _("Bewijsstuk toegevoegd"),
    "bijlage_delete": _("Bewijsstuk verwijderd"),
    "bon_add": _("Bon toegevoegd"),
    "bon_delete": _("Bon verwijderd"),
    "boeking_create": _("Boeking vastgelegd"),
    "boeking_storno": _("Boeking gestorneerd"),
    "boeking_import": _("Boeking ingelezen"),
    # Agreements and the yearly cycle
    "afspraak_create": _("Afspraak vastgelegd"),
    "afspraak_update": _("Afspraak gewijzigd"),
    "toezegging_create": _("Toezegging toegevoegd"),
    "toezegging_update": _("Toezegging gewijzigd"),
    "toezegging_delete": _("Toezegging verwijderd"),
    "toetsing_open": _("Jaar geopend"),
    "toetsing_indienen": _("Jaar ingediend"),
    "toetsing_terugsturen": _("Jaar teruggestuurd"),
    "toetsing_beoordelen": _("Toezegging beoordeeld"),
    "toetsing_vaststellen": _("Jaar vastgesteld en rapport verzegeld"),
    "jaarparameter_create": _("Jaarparameter vastgelegd"),
    "jaarparameter_update": _("Jaarparameter gewijzigd"),
    "prestatieafspraak_create": _("Prestatieafspraak vastgelegd"),
    "prestatieafspraak_update": _("Prestatieafspraak gewijzigd"),
    "prestatieafspraak_delete": _("Prestatieafspraak verwijderd"),
    "prestatiedoel_create": _("Prestatiedoel toegevoegd"),
    "prestatiedoel_update": _("Prestatiedoel gewijzigd"),
    "prestatiedoel_delete": _("Prestatiedoel verwijderd"),
    # Reference figures
    "buurtcijfers_import": _("Buurtcijfers ingelezen"),
}


def actie_label(code: str) -> str:
    """The readable label of a journal action code; the code itself if unknown."""
    label = ACTIE_LABELS.get(code)
    return str(label) if label is not None else code
