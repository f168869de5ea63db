"""The toetsing page, in all three portals, and the actions of the yearly cycle.

One view shows a toetsing wherever it is opened: the clause table (from the stored
snapshot once the year is submitted, from the live figures before), the chart, the
history from the journal and, when sealed, the report. The beheerder's portal adds
the actions terugsturen, beoordelen and vaststellen; the bestuur's portal adds
indienen with a confirmation page that says what will be locked. Every action is a
service call: the services decide what is allowed, the page only shows the buttons
of transitions that the status permits.

Also the presentation helpers the dashboard and the bestuur's year overview share
(numbers, norms, progress and early warning as text).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.shortcuts import render
from django.urls import NoReverseMatch, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from afspraken import evaluatie, selectors, services, signalering
from afspraken.charts import Staaf, staafdiagram
from afspraken.choices import Richting, ToetsingStatus, Verdict
from afspraken.indicatoren import definitie
from afspraken.models import Toetsing, Toezegging
from afspraken.snapshot import historie_of
from cooperatie.jaarslot import peildatum
from kern.acties import actie_label
from kern.formatting import getal
from kern.models import AuditEntry
from ledger.models import Activiteit, Boeking, Vrijwilliger
from ledger.selectors import vrijwilligerstotalen
from portalen.forms.toetsing import BeoordelenForm, TerugsturenForm
from portalen.generiek import ServiceActionView, ServiceFormView
from portalen.ui import (
    audit_view,
    beheer_view,
    bestuur_view,
    get_in_portal,
    in_portal,
    paginate,
)

# Presentation helpers (shared with the dashboard and the bestuur overview) --------


def url_or_none(portal, name: str, *args) -> str | None:
    """A portal URL, or None while the page that serves it does not exist yet."""
    try:
        return portal.url(name, *args)
    except NoReverseMatch:
        return None


def waarde_tekst(indicator: str, waarde: Fraction | Decimal | None) -> str:
    """A measured value or norm in the indicator's unit (euro, percent)."""
    eenheid = definitie(indicator).eenheid
    if waarde is None or eenheid is None:
        return "–"
    return eenheid.tekst(waarde)


def norm_tekst(spec: evaluatie.ToezeggingSpec) -> str:
    """The norm with its direction: "minimaal 12", "hoogstens € 500,00"."""
    if definitie(spec.indicator).kwalitatief:
        return _("beoordeling door de corporatie")
    norm = waarde_tekst(spec.indicator, spec.norm)
    if spec.richting == Richting.MAXIMAAL:
        return _("hoogstens %(norm)s") % {"norm": norm}
    return _("minimaal %(norm)s") % {"norm": norm}


def voortgang(r: evaluatie.ToezeggingResultaat) -> dict | None:
    """A progress bar toward the norm: value, max and "12 van 20, 60%"."""
    spec = r.toezegging
    if r.waarde is None or spec.norm == 0:
        return None
    procent = signalering.voortgang(r.waarde, Fraction(spec.norm))
    return {
        "value": f"{evaluatie.to_decimal(r.waarde, 2):f}",
        "max": f"{Decimal(spec.norm):f}",
        "tekst": _("%(waarde)s van %(norm)s, %(procent)s%%")
        % {
            "waarde": waarde_tekst(spec.indicator, r.waarde),
            "norm": waarde_tekst(spec.indicator, spec.norm),
            "procent": getal(procent, 0, groeperen=True),
        },
    }


def tempo_tekst(s: signalering.Signaal) -> str:
    """What is still needed, as a sentence."""
    indicator = s.toezegging.indicator
    if s.tekort == 0:
        return _("norm gehaald")
    if s.cumulatief:
        return ngettext(
            "nog %(tekort)s nodig in de resterende %(maanden)s maand "
            "≈ %(per_maand)s per maand",
            "nog %(tekort)s nodig in de resterende %(maanden)s maanden "
            "≈ %(per_maand)s per maand",
            s.resterende_maanden,
        ) % {
            "tekort": waarde_tekst(indicator, s.tekort),
            "maanden": s.resterende_maanden,
            "per_maand": waarde_tekst(indicator, s.per_maand),
        }
    return _("nog %(tekort)s tot de norm") % {
        "tekort": definitie(indicator).eenheid.verschil(s.tekort)
    }


def koers(s: signalering.Signaal) -> dict:
    """The early warning of one toezegging, ready for a template."""
    indicator = s.toezegging.indicator
    return {
        "koers": s.koers,
        "label": signalering.Koers(s.koers).label,
        "risico": s.risico,
        "tempo": tempo_tekst(s),
        "verwacht": waarde_tekst(indicator, s.verwacht),
        "cumulatief": s.cumulatief,
    }


def toezegging_rij(r: evaluatie.ToezeggingResultaat) -> dict:
    """One row of a clause table."""
    spec = r.toezegging
    return {
        "id": spec.id,
        "omschrijving": spec.omschrijving,
        "indicator": spec.indicator,
        "indicator_label": definitie(spec.indicator).label,
        "kwalitatief": definitie(spec.indicator).kwalitatief,
        "zwaarwegend": spec.zwaarwegend,
        "norm": norm_tekst(spec),
        "waarde": waarde_tekst(spec.indicator, r.waarde),
        "verdict": r.verdict,
        "verdict_label": Verdict(r.verdict).label,
        "toelichting": r.toelichting,
        "voortgang": voortgang(r),
    }


def grafiek(
    resultaat: evaluatie.ToetsingResultaat, historie: dict[str, list], titel: str
) -> str:
    """The SVG chart of the measured toezeggingen against their norms, with the
    values of earlier approved years; empty when nothing is measured."""
    staven = [
        Staaf(
            label=r.toezegging.omschrijving,
            waarde=evaluatie.to_decimal(r.waarde),
            norm=Decimal(r.toezegging.norm),
            verdict=r.verdict,
            maximaal=r.toezegging.richting == Richting.MAXIMAAL,
            eerder=tuple(
                (jaar, Decimal(w)) for jaar, w in historie.get(str(r.toezegging.id), [])
            ),
        )
        for r in resultaat.toezeggingen
        if r.waarde is not None
    ]
    if not staven:
        return ""
    # Safe: charts.py escapes every text it puts in the SVG.
    return mark_safe(staafdiagram(staven, title=titel))


# The history of a toetsing -------------------------------------------------------

ACTIES = {
    "toetsing_open": gettext_lazy("jaar geopend"),
    "toetsing_indienen": gettext_lazy("ingediend"),
    "toetsing_terugsturen": gettext_lazy("teruggestuurd"),
    "toetsing_beoordelen": gettext_lazy("toezegging beoordeeld"),
    "toetsing_vaststellen": gettext_lazy("vastgesteld en rapport verzegeld"),
}


def _historie_entries(request, toetsing: Toetsing):
    """Journal entries of this toetsing and its beoordelingen, newest first."""
    beoordelingen = [
        str(pk) for pk in toetsing.beoordelingen.values_list("pk", flat=True)
    ]
    return (
        AuditEntry.objects.visible_to(request.user)
        .filter(
            Q(object_type="afspraken.toetsing", object_id=str(toetsing.pk))
            | Q(object_type="afspraken.beoordeling", object_id__in=beoordelingen)
        )
        .order_by("-timestamp", "-pk")
    )


def _historie_rij(entry: AuditEntry) -> dict:
    after = entry.after or {}
    detail = ""
    if entry.action == "toetsing_terugsturen":
        detail = after.get("reden", "")
    elif entry.action == "toetsing_beoordelen":
        detail = entry.object_repr
        if after.get("toelichting"):
            detail = f"{detail} — {after['toelichting']}"
    elif entry.action == "toetsing_vaststellen" and after.get("rapport_sha256"):
        detail = _("SHA-256 van het rapport: %(sha)s…") % {
            "sha": after["rapport_sha256"][:16]
        }
    return {
        "tijdstip": entry.timestamp,
        "wie": entry.actor_name,
        "actie": ACTIES.get(entry.action, actie_label(entry.action)),
        "reden": entry.action == "toetsing_terugsturen",
        "detail": detail,
    }


# The toetsing page ---------------------------------------------------------------


def _toetsing(request, toetsing_id: int) -> Toetsing:
    return get_in_portal(
        request,
        Toetsing.objects.select_related("afspraak__cooperatie", "afspraak__corporatie"),
        pk=toetsing_id,
    )


def _resultaat(toetsing: Toetsing) -> tuple[evaluatie.ToetsingResultaat, bool]:
    return selectors.toetsing_resultaat(
        afspraak=toetsing.afspraak, jaar=toetsing.jaar, toetsing=toetsing
    )


def _mag(toetsing: Toetsing, transitie: str) -> bool:
    """Whether the toetsing's status allows the transition (services.TRANSITIONS)."""
    return toetsing.status in services.TRANSITIONS[transitie][0]


def _render_toetsing(
    request,
    toetsing: Toetsing,
    *,
    terugsturen_form: TerugsturenForm | None = None,
    beoordeel_forms: dict[int, BeoordelenForm] | None = None,
):
    portal = request.portal
    resultaat, bevroren = _resultaat(toetsing)
    historie = (toetsing.snapshot or {}).get("historie") if bevroren else None
    if historie is None:
        historie = historie_of(toetsing)
    beheer = portal.soort == "beheer"
    vastgesteld = toetsing.status == ToetsingStatus.VASTGESTELD
    kan_beoordelen = beheer and not vastgesteld

    bestaande = selectors.beoordelingen_of(toetsing) if kan_beoordelen else {}
    beoordeel_forms = beoordeel_forms or {}
    rijen = []
    for r in resultaat.toezeggingen:
        rij = toezegging_rij(r)
        if kan_beoordelen and rij["kwalitatief"]:
            eerder = bestaande.get(r.toezegging.id)
            rij["form"] = beoordeel_forms.get(r.toezegging.id) or BeoordelenForm(
                prefix=f"t{r.toezegging.id}",
                initial=(
                    {"oordeel": eerder.oordeel, "toelichting": eerder.toelichting}
                    if eerder
                    else None
                ),
            )
            rij["beoordelen_url"] = portal.url(
                "toetsing-beoordelen", toetsing.pk, r.toezegging.id
            )
        rijen.append(rij)

    rapport = toetsing.rapporten.first() if vastgesteld else None
    page = paginate(request, _historie_entries(request, toetsing))
    context = {
        "toetsing": toetsing,
        "afspraak": toetsing.afspraak,
        "rijen": rijen,
        "verdict": resultaat.verdict,
        "verdict_label": Verdict(resultaat.verdict).label,
        "voorlopig": not vastgesteld,
        "bevroren": bevroren,
        "grafiek": grafiek(
            resultaat,
            historie,
            _("Gemeten waarden van %(jaar)s tegen de norm") % {"jaar": toetsing.jaar},
        ),
        "historie": [_historie_rij(e) for e in page],
        "historie_page": page,
        "rapport": rapport,
        # In parts, so the 64 characters can wrap on a phone.
        "rapport_sha256": [rapport.sha256[i : i + 16] for i in range(0, 64, 16)]
        if rapport
        else [],
        "rapport_url": url_or_none(portal, "rapport-pdf", rapport.pk)
        if rapport
        else None,
        "beheer": beheer,
        "dossier_url": (
            portal.url("cooperatie-dossier", toetsing.afspraak.cooperatie_id)
            + f"?jaar={toetsing.jaar}"
            if beheer
            else None
        ),
        "te_beoordelen": [rij for rij in rijen if "form" in rij],
        "kan_terugsturen": beheer and _mag(toetsing, "terugsturen"),
        "kan_vaststellen": beheer and _mag(toetsing, "vaststellen"),
        "kan_indienen": portal.soort == "bestuur" and _mag(toetsing, "indienen"),
        "terugsturen_form": terugsturen_form or TerugsturenForm(),
        "vrijwilligers": vrijwilligerstotalen(
            in_portal(request, Vrijwilliger.objects),
            cooperatie_id=toetsing.afspraak.cooperatie_id,
            jaar=toetsing.jaar,
        ),
    }
    return render(request, "portalen/toetsing.html", context)


def toetsing_detail(request, toetsing_id: int):
    """The toetsing page: what was agreed, what was measured, the verdicts, the
    chart and the history, so everyone involved looks at the same year. The
    beheerder's portal shows the actions of the cycle here as well."""
    return _render_toetsing(request, _toetsing(request, toetsing_id))


class _ToetsingAction:
    queryset = Toetsing.objects.select_related(
        "afspraak__cooperatie", "afspraak__corporatie"
    )
    url_kwarg = "toetsing_id"
    object_name = "toetsing"

    def get_success_url(self, result):
        # Back to the toetsing page, whatever the service returned.
        return self.request.portal.url("toetsing", self.object.pk)

    def get_cancel_url(self):
        return self.get_success_url(self.object)


class Terugsturen(_ToetsingAction, ServiceFormView):
    """Return a submitted year to the bestuur, with a required reason, so the board
    can correct it. GET shows the form; POST calls `toetsing_terugsturen`."""

    portal = beheer_view
    service = services.toetsing_terugsturen
    form_class = TerugsturenForm
    template_name = "portalen/toetsing_terugsturen.html"

    def success_message(self, toetsing):
        return _(
            "De toetsing %(jaar)s van %(cooperatie)s is teruggestuurd naar het bestuur."
        ) % {"jaar": self.object.jaar, "cooperatie": self.object.afspraak.cooperatie}

    def get_context_data(self, **context):
        return super().get_context_data(
            kan_terugsturen=_mag(self.object, "terugsturen"), **context
        )


class Vaststellen(_ToetsingAction, ServiceActionView):
    """Approve a submitted year: the report is sealed and the year never reopens.
    A refusal (e.g. an unassessed kwalitatief toezegging) is shown as a message.
    POST only."""

    portal = beheer_view
    service = services.toetsing_vaststellen

    def success_message(self, toetsing):
        return _(
            "De toetsing %(jaar)s van %(cooperatie)s is vastgesteld; het "
            "nalevingsrapport is verzegeld."
        ) % {"jaar": toetsing.jaar, "cooperatie": toetsing.afspraak.cooperatie}

    def refusal_messages(self, exc):
        return [
            _("Vaststellen kan nog niet: %(reden)s") % {"reden": message}
            for message in exc.messages
        ]


class Beoordelen(_ToetsingAction, ServiceFormView):
    """Assess one kwalitatief toezegging of the toetsing (oordeel and required
    toelichting). On bad input the toetsing page shows the errors at that clause.
    POST only (after the lookups)."""

    portal = beheer_view
    service = services.toetsing_beoordelen
    form_class = BeoordelenForm
    post_only = True

    def get_object(self):
        toetsing = super().get_object()
        self.toezegging = get_in_portal(
            self.request,
            Toezegging.objects,
            pk=self.kwargs["toezegging_id"],
            afspraak_id=toetsing.afspraak_id,
        )
        return toetsing

    def get_form_kwargs(self):
        return {"prefix": f"t{self.toezegging.pk}"}

    def service_kwargs(self, form):
        return {**super().service_kwargs(form), "toezegging": self.toezegging}

    def success_message(self, beoordeling):
        return _("“%(toezegging)s” is beoordeeld als %(oordeel)s.") % {
            "toezegging": self.toezegging,
            "oordeel": Verdict(beoordeling.oordeel).label,
        }

    def render(self, form):
        return _render_toetsing(
            self.request, self.object, beoordeel_forms={self.toezegging.pk: form}
        )


# Indienen (bestuur) ------------------------------------------------------------------


def _indienen_context(request, toetsing: Toetsing) -> dict:
    """What submitting the year locks: the year's activities and bookings, the
    member count on the peildatum and the measured values."""
    jaar = toetsing.jaar
    cijfers = selectors.jaarcijfers(
        cooperatie_ids=[toetsing.afspraak.cooperatie_id], jaar=jaar
    )[toetsing.afspraak.cooperatie_id]
    resultaat, _bevroren = selectors.toetsing_resultaat(
        afspraak=toetsing.afspraak, jaar=jaar, toetsing=toetsing, cijfers=cijfers
    )
    lopend = timezone.localdate().year
    bezwaren = []
    if not _mag(toetsing, "indienen"):
        bezwaren.append(
            _(
                "Deze toetsing is %(status)s; indienen kan alleen als zij open of "
                "teruggestuurd is."
            )
            % {"status": toetsing.get_status_display()}
        )
    if jaar >= lopend:
        bezwaren.append(
            _("Het jaar %(jaar)s loopt nog; indienen kan vanaf 1 januari %(volgend)s.")
            % {"jaar": jaar, "volgend": jaar + 1}
        )
    if not resultaat.toezeggingen:
        bezwaren.append(
            _("Deze afspraak heeft geen toezeggingen; er valt niets te toetsen.")
        )
    return {
        "toetsing": toetsing,
        "afspraak": toetsing.afspraak,
        "jaar": jaar,
        "peildatum": peildatum(jaar),
        "aantal_activiteiten": in_portal(request, Activiteit.objects)
        .in_jaar(jaar)
        .count(),
        "aantal_boekingen": in_portal(request, Boeking.objects).in_jaar(jaar).count(),
        "aantal_leden": cijfers.aantal_leden,
        "rijen": [toezegging_rij(r) for r in resultaat.toezeggingen],
        "bezwaren": bezwaren,
    }


class Indienen(_ToetsingAction, ServiceActionView):
    """Submit the year. GET: a confirmation page that says exactly what will be
    locked; POST: `toetsing_indienen`, then back to the year overview."""

    portal = bestuur_view
    service = services.toetsing_indienen
    template_name = "portalen/indienen.html"
    post_only = False

    def success_message(self, toetsing):
        return _(
            "Het jaar %(jaar)s is ingediend bij %(corporatie)s. De "
            "activiteiten, boekingen en het ledental van dat jaar liggen "
            "nu vast."
        ) % {"jaar": toetsing.jaar, "corporatie": toetsing.afspraak.corporatie}

    def get_success_url(self, toetsing):
        return f"{self.request.portal.url('start')}?jaar={toetsing.jaar}"

    def get_cancel_url(self):
        return self.get_success_url(self.object)

    def refused(self, exc):
        return self.render(fouten=exc.messages)

    def get_context_data(self, **context):
        context.setdefault("fouten", [])
        context.update(_indienen_context(self.request, self.object))
        return super().get_context_data(**context)


terugsturen = Terugsturen.as_view()
vaststellen = Vaststellen.as_view()
beoordelen = Beoordelen.as_view()
indienen = Indienen.as_view()


_PAD = "toetsingen/<int:toetsing_id>/"

beheer_patterns = [
    path(_PAD, beheer_view(toetsing_detail), name="beheer-toetsing"),
    path(f"{_PAD}terugsturen/", terugsturen, name="beheer-toetsing-terugsturen"),
    path(f"{_PAD}vaststellen/", vaststellen, name="beheer-toetsing-vaststellen"),
    path(
        f"{_PAD}beoordelen/<int:toezegging_id>/",
        beoordelen,
        name="beheer-toetsing-beoordelen",
    ),
]
bestuur_patterns = [
    path(_PAD, bestuur_view(toetsing_detail), name="bestuur-toetsing"),
    path(f"{_PAD}indienen/", indienen, name="bestuur-toetsing-indienen"),
]
audit_patterns = [
    path(_PAD, audit_view(toetsing_detail), name="audit-toetsing"),
]
