"""What each operation of the cooperatie resources does, for the API's users:
a summary and a description per action (kern/api/beschrijvingen.py)."""

from django.utils.translation import gettext_lazy as _

from kern.api.beschrijvingen import DEELS_WIJZIGEN, OPVRAGEN, operaties

CORPORATIES = operaties(
    list=(
        _("Corporaties opvragen"),
        _(
            "De woningcorporaties binnen uw bereik: die waar u beheerder of "
            "auditor bent, en voor een bestuur die waarmee de coöperatie een "
            "overeenkomst of afspraak heeft."
        ),
    ),
    retrieve=(_("Eén corporatie opvragen"), OPVRAGEN),
    create=(
        _("Corporatie aanmaken"),
        _(
            "Alleen de platformbeheerder registreert een corporatie. Het "
            "KvK-nummer hoort bij één corporatie."
        ),
    ),
    update=(
        _("Corporatie wijzigen"),
        _("Een beheerder wijzigt naam, KvK-nummer en plaats van de eigen corporatie."),
    ),
    partial_update=(_("Corporatie deels wijzigen"), DEELS_WIJZIGEN),
)

GEBOUWEN = operaties(
    list=(
        _("Gebouwen opvragen"),
        _(
            "De gebouwen van uw corporatie; een bestuur ziet de gebouwen waarop "
            "de coöperatie een overeenkomst of afspraak heeft."
        ),
    ),
    retrieve=(_("Eén gebouw opvragen"), OPVRAGEN),
    create=(
        _("Gebouw aanmaken"),
        _(
            "Een beheerder legt een gebouw of complex van de eigen corporatie "
            "vast; het complexnummer komt per corporatie één keer voor."
        ),
    ),
    update=(
        _("Gebouw wijzigen"),
        _(
            "Een beheerder van de corporatie wijzigt het gebouw; de corporatie "
            "blijft dezelfde."
        ),
    ),
    partial_update=(_("Gebouw deels wijzigen"), DEELS_WIJZIGEN),
    destroy=(
        _("Gebouw verwijderen"),
        _(
            "Alleen een gebouw zonder overeenkomsten en afspraken kan weg; "
            "anders volgt 400 met de reden."
        ),
    ),
)

COOPERATIES = operaties(
    list=(
        _("Coöperaties opvragen"),
        _(
            "De coöperaties binnen uw bereik: met een overeenkomst op een gebouw "
            "van uw corporatie, een afspraak ermee, of door haar aangemeld; een "
            "bestuur ziet de eigen coöperatie."
        ),
    ),
    retrieve=(_("Eén coöperatie opvragen"), OPVRAGEN),
    create=(
        _("Coöperatie aanmaken"),
        _(
            "Een beheerder meldt een coöperatie aan namens de eigen corporatie "
            "(`aangemeld_door`); zonder die corporatie mag alleen de "
            "platformbeheerder dit."
        ),
    ),
    update=(
        _("Coöperatie wijzigen"),
        _(
            "Een beheerder met de coöperatie in bereik of het eigen bestuur "
            "wijzigt haar gegevens; `aangemeld_door` blijft."
        ),
    ),
    partial_update=(_("Coöperatie deels wijzigen"), DEELS_WIJZIGEN),
)

OVEREENKOMSTEN = operaties(
    list=(
        _("Overeenkomsten opvragen"),
        _(
            "De huur- en beheerovereenkomsten op de gebouwen van uw corporatie, "
            "of die van de eigen coöperatie."
        ),
    ),
    retrieve=(_("Eén overeenkomst opvragen"), OPVRAGEN),
    create=(
        _("Overeenkomst aanmaken"),
        _(
            "Een beheerder verhuurt of geeft een gebouw van de eigen corporatie "
            "in beheer aan een coöperatie. Een gebouw heeft op elke datum "
            "hoogstens één overeenkomst."
        ),
    ),
    update=(
        _("Overeenkomst wijzigen"),
        _(
            "Een beheerder wijzigt soort, periode en aantal woningen; gebouw en "
            "coöperatie blijven dezelfde."
        ),
    ),
    partial_update=(_("Overeenkomst deels wijzigen"), DEELS_WIJZIGEN),
    beeindigen=(
        _("Overeenkomst beëindigen"),
        _("Een beheerder zet de laatste dag van de overeenkomst."),
    ),
)

LEDEN = operaties(
    list=(
        _("Leden opvragen"),
        _(
            "Het bestuur ziet alle leden van de eigen coöperatie met hun "
            "gegevens; een beheerder alleen de bestuursleden, met naam en "
            "functie; een auditor geen leden. Elke inzage wordt vastgelegd."
        ),
    ),
    retrieve=(_("Eén lid opvragen"), OPVRAGEN),
    create=(
        _("Lid aanmaken"),
        _(
            "Het bestuur schrijft een huishouden in als lid. Een lidmaatschap "
            "dat het ledental van een ingediend of vastgesteld jaar verandert, "
            "wordt geweigerd."
        ),
    ),
    update=(
        _("Lid wijzigen"),
        _(
            "Het bestuur wijzigt de gegevens van een lid; de coöperatie blijft "
            "dezelfde."
        ),
    ),
    partial_update=(_("Lid deels wijzigen"), DEELS_WIJZIGEN),
    beeindigen=(
        _("Lidmaatschap beëindigen"),
        _(
            "Het bestuur zet de eerste dag dat het huishouden geen lid meer is; "
            "een bestuursfunctie vervalt daarmee."
        ),
    ),
)

TOKENS = operaties(
    list=(
        _("Eigen API-tokens opvragen"),
        _("Uw eigen tokens, ook de verlopen en ingetrokken; nooit de sleutel."),
    ),
    retrieve=(_("Eén eigen API-token opvragen"), OPVRAGEN),
    create=(
        _("API-token maken (de sleutel wordt eenmalig getoond)"),
        _(
            "Alleen na aanmelden in de browser, niet met een token (403). De "
            "token werkt met uw rollen tot hij verloopt, u hem intrekt of uw "
            "wachtwoord verandert."
        ),
    ),
    destroy=(
        _("API-token intrekken"),
        _("De token werkt direct niet meer; hij blijft in de lijst staan."),
    ),
)

KOPPELINGEN = operaties(
    list=(
        _("API-koppelingen van de eigen corporatie opvragen"),
        _(
            "De machinekoppelingen (OAuth2 client credentials) van uw corporatie, "
            "ook de ingetrokken; nooit het geheim."
        ),
    ),
    retrieve=(_("Eén API-koppeling opvragen"), OPVRAGEN),
    create=(
        _("API-koppeling registreren (het geheim wordt eenmalig getoond)"),
        _(
            "Een beheerder registreert een machinekoppeling voor de eigen "
            "corporatie, met haar scopes; alleen na aanmelden in de browser, niet "
            "met een token (403). Met de client-id en het geheim vraagt de "
            "koppeling bij /api/v1/oauth/token/ een toegangstoken aan."
        ),
    ),
    destroy=(
        _("API-koppeling intrekken"),
        _("Haar tokens werken direct niet meer; zij blijft in de lijst staan."),
    ),
)

UITNODIGINGEN = operaties(
    list=(
        _("Uitnodigingen opvragen"),
        _(
            "De uitnodigingen voor rollen bij uw corporatie en de coöperaties in "
            "haar bereik, of voor het bestuur van de eigen coöperatie. De link "
            "zelf staat alleen in de mail."
        ),
    ),
    retrieve=(_("Eén uitnodiging opvragen"), OPVRAGEN),
    create=(
        _("Iemand per e-mail uitnodigen voor een rol"),
        _(
            "Een beheerder nodigt beheerders en auditors van de eigen "
            "corporatie uit, en bestuurders van de coöperaties binnen haar "
            "bereik; een bestuur nodigt medebestuurders van de eigen coöperatie "
            "uit. De link staat alleen in de mail."
        ),
    ),
    intrekken=(
        _("Uitnodiging intrekken (de link werkt daarna niet meer)"),
        _("Kan zolang de uitnodiging niet is aangenomen of ingetrokken."),
    ),
    opnieuw_versturen=(
        _("Uitnodiging opnieuw versturen met een nieuwe link en termijn"),
        _(
            "Kan zolang de uitnodiging niet is aangenomen of ingetrokken, ook "
            "als zij verlopen is; de vorige link werkt daarna niet meer."
        ),
    ),
)

ROLLEN = operaties(
    list=(
        _("Rollen opvragen"),
        _(
            "Uw eigen rollen; een beheerder ziet ook de rollen bij de eigen "
            "corporatie en haar coöperaties, een bestuur die van het eigen "
            "bestuur. Rollen komen er via een uitnodiging bij."
        ),
    ),
    retrieve=(_("Eén rol opvragen"), OPVRAGEN),
    destroy=(
        _("Rol beëindigen"),
        _(
            "Een eigen rol mag altijd worden beëindigd, behalve door de laatste "
            "beheerder van een corporatie; een bestuur beëindigt de rol van een "
            "medebestuurder van de eigen coöperatie; een beheerder de rollen "
            "die zij mag toekennen."
        ),
    ),
)
