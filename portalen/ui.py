"""Plumbing shared by the web pages of all three apps.

Every page lives in one *portal*: the beheerder's (``/beheer/<corporatie_id>/``),
the bestuur's (``/bestuur/<cooperatie_id>/``), the auditor's
(``/audit/<corporatie_id>/``) or the gemeente's (``/gemeente/<gemeentecode>/``,
`gemeente_view`: a gemeente outside the user's roles answers 404). A portal
decorator resolves the organisation in the URL and decides, in this order:

1. anonymous → redirect to the login page;
2. the organisation is outside the user's scope → 404 (it does not exist for them);
3. in scope, but the user lacks the portal's role → 403;
4. otherwise the view runs with ``request.portal`` set.

Objects inside a portal are fetched with :func:`get_in_portal`, which applies
``visible_to(user)`` plus the portal's own organisation, so another tenant's id
answers 404 on every page. Rules of who may *write* stay in the services; a view
only turns their ``PermissionDenied`` into 403 and their ``ValidationError`` into
form errors (:func:`apply_errors`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatie.models import Cooperatie, Corporatie
from cooperatie.scope import scope_of
from kern.gemeenten import gemeente_naam
from kern.scoping import Scope, reached_q, tenancy_of
from kern.security_log import (
    FORBIDDEN,
    OUT_OF_SCOPE,
    UNAUTHENTICATED,
    exists_outside_scope,
    log_denied,
)

BEHEER = "beheer"
BESTUUR = "bestuur"
AUDIT = "audit"
GEMEENTE = "gemeente"

PORTAL_LABELS = {
    BEHEER: gettext_lazy("Beheerder"),
    BESTUUR: gettext_lazy("Bestuur"),
    AUDIT: gettext_lazy("Auditor"),
    GEMEENTE: gettext_lazy("Gemeente"),
}


# The menu of each portal: (URL name without the portal prefix, label).
NAV = {
    BEHEER: [
        ("start", gettext_lazy("Overzicht")),
        ("signalering", gettext_lazy("Signalering")),
        ("gebouwen", gettext_lazy("Gebouwen")),
        ("kaart", gettext_lazy("Kaart")),
        ("cooperaties", gettext_lazy("Coöperaties")),
        ("overeenkomsten", gettext_lazy("Overeenkomsten")),
        ("afspraken", gettext_lazy("Afspraken")),
        ("prestatieafspraken", gettext_lazy("Prestatieafspraken")),
        ("verifieren", gettext_lazy("Verifiëren")),
        ("gebruikers", gettext_lazy("Gebruikers")),
        ("koppelingen", gettext_lazy("Koppelingen")),
    ],
    BESTUUR: [
        ("start", gettext_lazy("Jaaroverzicht")),
        ("activiteiten", gettext_lazy("Activiteiten")),
        ("boekingen", gettext_lazy("Boekingen")),
        ("leden", gettext_lazy("Leden")),
        ("toegang", gettext_lazy("Bestuur & toegang")),
    ],
    AUDIT: [
        ("start", gettext_lazy("Rapporten")),
        ("kaart", gettext_lazy("Kaart")),
        ("verifieren", gettext_lazy("Verifiëren")),
        ("journaal", gettext_lazy("Journaal")),
    ],
    GEMEENTE: [
        ("start", gettext_lazy("Overzicht")),
    ],
}


@dataclass(frozen=True)
class Gemeente:
    """The organisation of a gemeente portal: a gemeente by its CBS code."""

    code: str

    @property
    def pk(self) -> str:
        return self.code

    @property
    def naam(self) -> str:
        return gemeente_naam(self.code)

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})" if self.naam != self.code else self.code


@dataclass
class Portal:
    """The portal a page is shown in: its role and organisation."""

    soort: str
    corporatie: Corporatie | None = None
    cooperatie: Cooperatie | None = None
    kwargs: dict = field(default_factory=dict)
    gemeente: Gemeente | None = None

    @property
    def organisatie(self):
        if self.soort == GEMEENTE:
            return self.gemeente
        return self.cooperatie if self.soort == BESTUUR else self.corporatie

    @property
    def label(self) -> str:
        return str(PORTAL_LABELS[self.soort])

    @property
    def start_url(self) -> str:
        return self.url("start")

    def nav(self, current_path: str) -> list[dict]:
        """The portal's menu, with the item of the current page marked."""
        items = []
        for name, label in NAV[self.soort]:
            try:
                url = self.url(name)
            except NoReverseMatch:  # a page not built yet; a test requires all
                continue
            if name == "start":
                current = current_path == url
            else:
                current = current_path.startswith(url)
            items.append({"url": url, "label": label, "current": current})
        return items

    def url(self, name: str, *args) -> str:
        """Reverse ``<soort>-<name>`` within this portal."""
        return reverse(f"{self.soort}-{name}", args=[self.organisatie.pk, *args])


def _portal_view(soort: str, model, allowed):
    """Decorator factory; `allowed(scope, pk)` says whether the role is held."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                log_denied(request, UNAUTHENTICATED, "login_required")
                return redirect_to_login(request.get_full_path())
            key = "cooperatie_id" if model is Cooperatie else "corporatie_id"
            pk = kwargs.pop(key)
            organisatie = _get_or_log(
                request, model.objects, "organisation_out_of_scope", pk=pk
            )
            if not allowed(scope_of(request.user), organisatie.pk):
                log_denied(request, FORBIDDEN, f"not_{soort}")
                raise PermissionDenied(
                    _("Deze pagina is niet voor uw rol bij %(naam)s.")
                    % {"naam": organisatie}
                )
            if model is Cooperatie:
                request.portal = Portal(soort, cooperatie=organisatie)
            else:
                request.portal = Portal(soort, corporatie=organisatie)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                # A service refused the action (a rule beyond the portal's role).
                log_denied(request, FORBIDDEN, "service_refused")
                raise

        wrapper.portal_soort = soort
        return wrapper

    return decorator


beheer_view = _portal_view(
    BEHEER,
    Corporatie,
    lambda scope, pk: scope.is_superuser or pk in scope.beheerder_corporaties,
)
"""A page of the beheerder portal: ``/beheer/<corporatie_id>/...``."""

bestuur_view = _portal_view(
    BESTUUR,
    Cooperatie,
    lambda scope, pk: scope.is_superuser or pk in scope.bestuur_cooperaties,
)
"""A page of the bestuur portal: ``/bestuur/<cooperatie_id>/...``."""

audit_view = _portal_view(
    AUDIT,
    Corporatie,
    lambda scope, pk: scope.is_superuser or pk in scope.auditor_corporaties,
)
"""A page of the auditor portal: ``/audit/<corporatie_id>/...``."""


def gemeente_view(view):
    """A page of the gemeente portal: ``/gemeente/<gemeentecode>/...``. A
    gemeente the user holds no role for does not exist for them (404), as an
    organisation outside one's scope; the platform operator enters any."""

    @functools.wraps(view)
    def wrapper(request, *args, gemeentecode: str, **kwargs):
        if not request.user.is_authenticated:
            log_denied(request, UNAUTHENTICATED, "login_required")
            return redirect_to_login(request.get_full_path())
        scope = scope_of(request.user)
        if not (scope.is_superuser or gemeentecode in scope.gemeenten):
            log_denied(request, OUT_OF_SCOPE, "gemeente_out_of_scope")
            raise not_found()
        request.portal = Portal(GEMEENTE, gemeente=Gemeente(gemeentecode))
        return view(request, *args, **kwargs)

    wrapper.portal_soort = GEMEENTE
    return wrapper


def portals_of(user) -> list[Portal]:
    """Every portal the user may enter, in a stable order (for the start page)."""
    scope = scope_of(user)
    portals: list[Portal] = []
    if scope.is_superuser:
        beheer = Corporatie.objects.order_by("naam")
        audit = Corporatie.objects.none()
        bestuur = Cooperatie.objects.none()
    else:
        beheer = Corporatie.objects.filter(pk__in=scope.beheerder_corporaties)
        audit = Corporatie.objects.filter(pk__in=scope.auditor_corporaties)
        bestuur = Cooperatie.objects.filter(pk__in=scope.bestuur_cooperaties)
    portals += [Portal(BEHEER, corporatie=c) for c in beheer.order_by("naam")]
    portals += [Portal(BESTUUR, cooperatie=c) for c in bestuur.order_by("naam")]
    portals += [Portal(AUDIT, corporatie=c) for c in audit.order_by("naam")]
    portals += [
        Portal(GEMEENTE, gemeente=Gemeente(code)) for code in sorted(scope.gemeenten)
    ]
    return portals


def in_portal(request, queryset):
    """`queryset` narrowed to the user's scope and the current portal's organisation.

    In the bestuur portal that is the portal's cooperatie; in the beheerder and
    auditor portals, the portal's corporatie (for cooperatie data: the cooperaties
    in that corporatie's scope). The model's tenancy declaration says how its rows
    reach either.
    """
    portal: Portal = request.portal
    qs = queryset.visible_to(request.user)
    if portal.soort == BESTUUR:
        reach = Scope.of_organisatie(cooperatie_id=portal.cooperatie.pk)
    else:
        reach = Scope.of_organisatie(corporatie_id=portal.corporatie.pk)
    return qs.filter(reached_q(tenancy_of(qs.model), reach))


def get_in_portal(request, queryset, **lookup):
    """One object within the user's scope and the current portal, else 404."""
    try:
        return get_object_or_404(in_portal(request, queryset), **lookup)
    except Http404:
        if exists_outside_scope(queryset, **lookup):
            log_denied(request, OUT_OF_SCOPE, "object_out_of_scope")
        raise


def _get_or_log(request, queryset, reason: str, **lookup):
    """`queryset.visible_to(user).get(**lookup)` or 404; a 404 caused by the
    scope (the object exists) is logged as a failed authorization."""
    try:
        return get_object_or_404(queryset.visible_to(request.user), **lookup)
    except Http404:
        if exists_outside_scope(queryset, **lookup):
            log_denied(request, OUT_OF_SCOPE, reason)
        raise


class BegrensdePaginator(Paginator):
    """A Paginator that counts at most `max_rijen` rows (a query that stops
    there), for lists that grow without bound; `afgekapt` says there are more,
    and the pages past `max_rijen` are not offered (narrow the filters)."""

    def __init__(self, object_list, per_page, *, max_rijen: int):
        super().__init__(object_list, per_page)
        self.max_rijen = max_rijen

    @cached_property
    def _geteld(self) -> int:
        return self.object_list.order_by()[: self.max_rijen + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._geteld, self.max_rijen)

    @property
    def afgekapt(self) -> bool:
        return self._geteld > self.max_rijen


def paginate(request, queryset, per_page: int = 25, *, max_rijen: int | None = None):
    """A page of `queryset` from ``?pagina=``; a bad number gives the last/first
    page instead of an error, as people expect from a list. `max_rijen`: count
    no further than that (see `BegrensdePaginator`)."""
    if max_rijen is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = BegrensdePaginator(queryset, per_page, max_rijen=max_rijen)
    return paginator.get_page(request.GET.get("pagina"))


@dataclass(frozen=True)
class Ingekort:
    """The first rows of a list a page shows in full elsewhere (`meer` left)."""

    rijen: list
    totaal: int

    @property
    def meer(self) -> int:
        return self.totaal - len(self.rijen)

    def __bool__(self) -> bool:
        return self.totaal > 0

    def __iter__(self):
        return iter(self.rijen)


def ingekort(rijen, aantal: int | None = 10) -> Ingekort:
    """The first `aantal` of `rijen` (None: all), and how many there are."""
    rijen = list(rijen)
    return Ingekort(rijen[:aantal], len(rijen))


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named fields when the
    form has them, else as a general error naming the field."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            elif name == NON_FIELD_ERRORS:
                form.add_error(None, errors)
            else:
                for error in errors:
                    for message in error.messages:
                        form.add_error(None, f"{name}: {message}")
    else:
        form.add_error(None, exc)


def not_found() -> Http404:
    return Http404(_("Niet gevonden."))
