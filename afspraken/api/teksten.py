"""What each operation of the afspraken resources does, for the API's users:
a summary and a description per action (kern/api/beschrijvingen.py)."""

from django.utils.translation import gettext_lazy as _

from kern.api.beschrijvingen import DEELS_WIJZIGEN, OPVRAGEN, operaties

AFSPRAKEN = operaties(
    list=(
        _("Afspraken opvragen"),
        _(
            "De afspraken over sociale inbreng van uw corporatie, of die van de "
            "eigen coöperatie."
        ),
    ),
    retrieve=(_("Eén afspraak opvragen"), OPVRAGEN),
    create=(
        _("Afspraak aanmaken"),
        _(
            "Een beheerder legt een afspraak van de eigen corporatie met een "
            "coöperatie vast, met haar toezeggingen in dezelfde aanvraag: alles "
            "of niets."
        ),
    ),
    update=(
        _("Afspraak wijzigen"),
        _(
            "Een beheerder wijzigt de afspraak en voegt toezeggingen toe, wijzigt "
            "of verwijdert ze, alles of niets; corporatie en coöperatie blijven."
        ),
    ),
    partial_update=(_("Afspraak deels wijzigen"), DEELS_WIJZIGEN),
)

PRESTATIEAFSPRAKEN = operaties(
    list=(
        _("Prestatieafspraken opvragen"),
        _(
            "De prestatieafspraken van uw corporatie met gemeenten, of die waaraan "
            "de afspraken van de eigen coöperatie bijdragen."
        ),
    ),
    retrieve=(_("Eén prestatieafspraak opvragen"), OPVRAGEN),
    create=(
        _("Prestatieafspraak aanmaken"),
        _(
            "Een beheerder legt een prestatieafspraak van de eigen corporatie vast, "
            "met haar doelen in dezelfde aanvraag: alles of niets."
        ),
    ),
    update=(
        _("Prestatieafspraak wijzigen"),
        _(
            "Een beheerder wijzigt de prestatieafspraak en vervangt eventueel haar "
            "doelen; zij moet blijven passen bij de afspraken die ernaar verwijzen."
        ),
    ),
    partial_update=(_("Prestatieafspraak deels wijzigen"), DEELS_WIJZIGEN),
    destroy=(
        _("Prestatieafspraak verwijderen"),
        _(
            "Een beheerder verwijdert een prestatieafspraak waarnaar geen afspraak "
            "verwijst, met haar doelen."
        ),
    ),
)

TOEZEGGINGEN = operaties(
    list=(
        _("Toezeggingen opvragen"),
        _(
            "De meetbare toezeggingen van de afspraken binnen uw bereik, per "
            "afspraak in hun volgorde."
        ),
    ),
    retrieve=(_("Eén toezegging opvragen"), OPVRAGEN),
    create=(
        _("Toezegging aanmaken"),
        _(
            "Een beheerder voegt een toezegging toe aan een afspraak van de eigen "
            "corporatie. Thema en alleen_open_voor_buurt gelden alleen bij "
            "indicatoren over activiteiten."
        ),
    ),
    update=(
        _("Toezegging wijzigen"),
        _(
            "Een beheerder wijzigt de toezegging; de afspraak blijft dezelfde. "
            "Ingediende en vastgestelde jaren houden haar zoals ze toen was."
        ),
    ),
    partial_update=(_("Toezegging deels wijzigen"), DEELS_WIJZIGEN),
    destroy=(
        _("Toezegging verwijderen"),
        _(
            "Een beheerder verwijdert een toezegging die nog in geen toetsing is "
            "beoordeeld."
        ),
    ),
)

TOETSINGEN = operaties(
    list=(
        _("Toetsingen opvragen"),
        _(
            "De jaarlijkse toetsingen van de afspraken binnen uw bereik, het "
            "nieuwste jaar eerst."
        ),
    ),
    retrieve=(_("Eén toetsing opvragen"), OPVRAGEN),
    create=(
        _("Toetsing openen voor een jaar"),
        _(
            "De beheerder of het bestuur van de afspraak opent de toetsing van "
            "een jaar waarin de afspraak loopt; één per afspraak en jaar."
        ),
    ),
    indienen=(
        _("Jaar indienen (bestuur)"),
        _(
            "Het bestuur dient een voorbij jaar in (vanuit open of "
            "teruggestuurd): de metingen en het ledental op de peildatum worden "
            "vastgelegd en de activiteiten, boekingen en leden van dat jaar "
            "liggen vast."
        ),
    ),
    terugsturen=(
        _("Toetsing terugsturen met reden (beheerder)"),
        _(
            "De beheerder stuurt een ingediend jaar terug; het jaar staat weer "
            "open voor correcties en de reden komt in het journaal."
        ),
    ),
    beoordelen=(
        _("Kwalitatieve toezegging beoordelen (beheerder)"),
        _(
            "De beheerder beoordeelt een kwalitatieve toezegging met toelichting, "
            "tot de toetsing is vastgesteld; een nieuw oordeel vervangt het "
            "vorige."
        ),
    ),
    vaststellen=(
        _("Toetsing vaststellen en rapport verzegelen (beheerder)"),
        _(
            "De beheerder stelt een ingediend jaar vast als alle kwalitatieve "
            "toezeggingen beoordeeld zijn. Het nalevingsrapport wordt eenmalig "
            "gemaakt en verzegeld; het jaar gaat nooit meer open."
        ),
    ),
)

RAPPORTEN = operaties(
    list=(
        _("Verzegelde nalevingsrapporten opvragen"),
        _(
            "De verzegelde rapporten van de toetsingen binnen uw bereik, het "
            "nieuwste eerst."
        ),
    ),
    retrieve=(_("Eén verzegeld rapport opvragen"), OPVRAGEN),
    pdf=(
        _("Verzegeld rapport downloaden (PDF)"),
        _(
            "Het PDF/A-bestand precies zoals het verzegeld is, met de gegevens "
            "erin bijgevoegd; 409 als het opgeslagen bestand niet meer bij zijn "
            "zegel past."
        ),
    ),
    bundel=(
        _("Auditorbundel van een corporatie-jaar downloaden (ZIP)"),
        _(
            "Alle verzegelde rapporten van een corporatie in een jaar, met hun "
            "gegevens en een lijst van SHA-256-sommen; 404 als er geen zijn."
        ),
    ),
    verifieer=(
        _("Controleren of een PDF (of SHA-256) een verzegeld rapport is"),
        _(
            "Stuur het PDF-bestand (multipart) of zijn SHA-256. Een verzegeld "
            "rapport buiten uw bereik heet onbekend."
        ),
    ),
)

JAARPARAMETERS = operaties(
    list=(
        _("Jaarparameters opvragen"),
        _(
            "De wettelijke bedragen per jaar (DAEB-inkomensgrenzen, "
            "aftoppingsgrenzen) met hun bron; iedereen die is aangemeld ziet ze."
        ),
    ),
    retrieve=(_("Eén jaarparameter opvragen"), OPVRAGEN),
    create=(
        _("Jaarparameter aanmaken"),
        _(
            "Alleen de platformbeheerder legt een parameter vast; per jaar en "
            "code één keer."
        ),
    ),
    update=(
        _("Jaarparameter wijzigen"),
        _("Alleen de platformbeheerder wijzigt waarde en bron; jaar en code blijven."),
    ),
    partial_update=(_("Jaarparameter deels wijzigen"), DEELS_WIJZIGEN),
)
