"""What each operation of the ledger resources does, for the API's users: a
summary and a description per action (kern/api/beschrijvingen.py)."""

from django.utils.translation import gettext_lazy as _

from kern.api.beschrijvingen import DEELS_WIJZIGEN, OPVRAGEN, operaties

ACTIVITEITEN = operaties(
    list=(
        _("Activiteiten opvragen"),
        _(
            "De activiteiten van de coöperaties binnen uw bereik, de nieuwste "
            "eerst, met hun vrijwilligers en bewijsstukken."
        ),
    ),
    retrieve=(_("Eén activiteit opvragen"), OPVRAGEN),
    create=(
        _("Activiteit aanmaken"),
        _(
            "Het bestuur legt een activiteit van de eigen coöperatie vast, in een "
            "jaar dat nog niet is ingediend. Bewijsstukken gaan apart, via "
            "bijlagen."
        ),
    ),
    update=(
        _("Activiteit wijzigen"),
        _(
            "Het bestuur wijzigt de activiteit zolang haar jaar (het oude en het "
            "nieuwe) niet is ingediend; de coöperatie blijft dezelfde."
        ),
    ),
    partial_update=(_("Activiteit deels wijzigen"), DEELS_WIJZIGEN),
    destroy=(
        _("Activiteit verwijderen"),
        _(
            "Alleen in een jaar dat niet is ingediend, en zonder boekingen of "
            "bewijsstukken; anders volgt 400 met de reden."
        ),
    ),
    bijlagen=(
        _("Bewijsstuk (foto of PDF) toevoegen"),
        _(
            "Het bestuur voegt een foto (JPEG, PNG, GIF, WebP) of PDF toe, "
            "herkend aan de inhoud; het jaar van de activiteit moet open zijn."
        ),
    ),
    bulk=(
        _("Activiteiten in één keer aanmaken (alles of niets)"),
        _(
            "Een lijst van hoogstens 1000 activiteiten van één coöperatie. Bij "
            "een fout wordt niets vastgelegd; de fouten staan per index."
        ),
    ),
)

BOEKINGEN = operaties(
    list=(
        _("Boekingen opvragen"),
        _(
            "Het kasboek van de coöperaties binnen uw bereik: ontvangen budget "
            "en uitgaven, de nieuwste eerst, storno's inbegrepen."
        ),
    ),
    retrieve=(_("Eén boeking opvragen"), OPVRAGEN),
    create=(
        _("Boeking vastleggen"),
        _(
            "Het bestuur boekt ontvangen budget of een uitgave in een jaar dat "
            "nog niet is ingediend. Een boeking verandert daarna nooit meer: een "
            "fout herstelt u met een storno en een nieuwe boeking."
        ),
    ),
    storno=(
        _("Boeking storneren (tegenboeking)"),
        _(
            "Het bestuur draait een boeking terug met een tegenboeking van "
            "hetzelfde bedrag en een reden. Een boeking heeft hoogstens één "
            "storno, en een storno zelf wordt niet gestorneerd."
        ),
    ),
    bonnen=(
        _("Bon (foto of PDF) bij een boeking toevoegen"),
        _(
            "Het bestuur voegt een foto (JPEG, PNG, GIF, WebP) of PDF van een bon "
            "of factuur toe; het jaar van de boeking moet open zijn."
        ),
    ),
    bulk=(
        _("Boekingen in één keer vastleggen (alles of niets)"),
        _(
            "Een lijst van hoogstens 1000 boekingen van één coöperatie (geen "
            "storno's). Bij een fout wordt niets vastgelegd; de fouten staan per "
            "index."
        ),
    ),
)

JOURNAAL = operaties(
    list=(
        _("Journaal opvragen"),
        _(
            "Elke wijziging in de gegevens binnen uw bereik, in de "
            "volgorde van hun keten; regels veranderen nooit."
        ),
    ),
    retrieve=(_("Eén journaalregel opvragen"), OPVRAGEN),
)
