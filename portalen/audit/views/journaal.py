"""The auditor's journal browser: the journal entries of the corporatie (scoped
like its data), filtered and paginated, with the state of the hash chain."""

from __future__ import annotations

import functools
import json
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cooperatie.models import Cooperatie
from cooperatie.scope import cooperatie_ids_of_corporaties
from kern import journal
from kern.acties import ACTIE_LABELS, actie_label
from kern.models import AuditEntry
from portalen.audit.forms import JournaalListFilter
from portalen.filters import choices_of
from portalen.ui import audit_view, ingekort, paginate

PER_PAGINA = 50
# The rows counted for the page links: past this many the page says "more than"
# (counting a corporatie's whole journal on every page would grow with it).
MAX_GETELD = 5000
KETENS_GETOOND = 10  # chains in the table unless ?ketens=alle


def _met(request, **params) -> str:
    """The address of this page with `params` set (the other parameters kept)."""
    query = request.GET.copy()
    for key, value in params.items():
        query[key] = value
    return f"?{query.urlencode()}"


def journaal_of_portal(request):
    """The entries the user may see that concern the portal's corporatie: tagged
    with it, or untagged entries of cooperaties in its scope (leden, activities,
    bookings)."""
    corporatie_id = request.portal.corporatie.pk
    return AuditEntry.objects.visible_to(request.user).filter(
        Q(corporatie_id=corporatie_id)
        | Q(
            corporatie_id__isnull=True,
            cooperatie_id__in=cooperatie_ids_of_corporaties([corporatie_id]),
        )
    )


# The journal's own apps: their models are the object types it can hold.
JOURNAAL_APPS = ("kern", "cooperatie", "afspraken", "ledger")


@functools.cache
def _objectsoorten() -> tuple[str, ...]:
    """Every model of the product's apps and the user model, as `app.model`."""
    return tuple(
        sorted(
            {
                model._meta.label_lower
                for model in apps.get_models()
                if model.__module__.split(".")[0] in JOURNAAL_APPS
            }
            | {get_user_model()._meta.label_lower}
        )
    )


def objectsoort_label(label: str) -> str:
    """`ledger.boeking` as the model's name (`boeking`); unknown types as given."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _pretty(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _ketencontrole(corporatie) -> dict:
    """Verify the chains of this corporatie and of the cooperaties it works
    with, incrementally (from each chain's last signed mark or checkpoint, see
    journal.verify_incremental), and check the corporatie's sealed reports
    against its chain. Reads no other tenant's entries and shows no
    platform-wide figures."""
    cooperaties = {
        c.pk: c.naam
        for c in Cooperatie.objects.filter(
            pk__in=cooperatie_ids_of_corporaties([corporatie.pk])
        )
    }
    eigen = journal.corporatie_keten(corporatie.pk)
    namen = {eigen: corporatie.naam} | {
        journal.cooperatie_keten(pk): naam for pk, naam in cooperaties.items()
    }
    started = time.perf_counter()
    results = journal.verify_incremental(namen)
    koppen = {kop.keten: kop for kop in journal.heads(namen)}
    rapportproblemen = [
        problem
        for check in journal.extra_checks()
        for problem in check([eigen], check_files=False)
    ]
    # Problems first, then the corporatie's own chain, then by name.
    rijen = [
        {
            "keten": keten,
            "naam": namen[keten],
            "eigen": keten == eigen,
            "verificatie": results[keten],
            "kop": koppen[keten],
        }
        for keten in sorted(
            namen,
            key=lambda k: (results[k].ok, k != eigen, namen[k].lower(), k),
        )
    ]
    vertrekken = {r["verificatie"].vertrek for r in rijen}
    return {
        "rijen": rijen,
        "ok": all(r["verificatie"].ok for r in rijen) and not rapportproblemen,
        # Without a journal key the start points are unsigned marks, which
        # whoever can write the database can move (see docs/journal.md).
        "onondertekend": journal.VERTREK_ONONDERTEKEND in vertrekken,
        "afgewezen": any(r["verificatie"].markering_afgewezen for r in rijen),
        "rapportproblemen": rapportproblemen,
        "seconden": time.perf_counter() - started,
    }


@audit_view
@require_GET
def journaal(request):
    """The journal as the auditor may see it: newest first, 50 a page, filtered
    by period, action, object type, user and object text. On the first page the
    chains of the corporatie and its cooperaties are verified from where they
    were last verified (see journal.verify_incremental), so the auditor sees at
    once whether the journal is intact at a cost that does not grow with it."""
    entries = journaal_of_portal(request)
    # The choices are the codes the product knows (every code a service writes
    # has a label, see kern.acties), not those in the journal: finding those
    # would read the whole journal on every page.
    acties, soorten = ACTIE_LABELS, _objectsoorten()
    filters = JournaalListFilter(
        request.GET,
        entries,
        request=request,
        choices={
            "actie": choices_of(
                sorted(acties, key=lambda a: str(actie_label(a)).lower()),
                _("Alle acties"),
                label=actie_label,
            ),
            "objectsoort": choices_of(
                sorted(soorten, key=lambda s: str(objectsoort_label(s)).lower()),
                _("Alle objectsoorten"),
                label=objectsoort_label,
            ),
        },
    )
    page = paginate(
        request,
        filters.qs.order_by("-timestamp", "-pk"),
        PER_PAGINA,
        max_rijen=MAX_GETELD,
    )
    rows = [
        {
            "entry": entry,
            "objectsoort": objectsoort_label(entry.object_type),
            "actie": actie_label(entry.action),
            "voor": _pretty(entry.before),
            "na": _pretty(entry.after),
        }
        for entry in page.object_list
    ]

    ketens = None
    if page.number == 1:
        ketens = _ketencontrole(request.portal.corporatie)
        # Every chain is verified; the table shows the first (problems first)
        # unless the address asks for all of them.
        alle = request.GET.get("ketens") == "alle"
        ketens["tabel"] = ingekort(ketens["rijen"], None if alle else KETENS_GETOOND)
        ketens["alle_url"] = None if alle else _met(request, ketens="alle")
    return render(
        request,
        "audit/journaal.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "ketens": ketens,
        },
    )


urlpatterns = [
    path("journaal/", journaal, name="audit-journaal"),
]
