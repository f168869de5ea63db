"""Chainable querysets of the afspraken app, with tenancy in `visible_to`."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from kern.immutable import AppendOnlyQuerySet
from kern.scoping import OpenbaarQuerySet, Scope, ScopedQuerySet


class AfspraakQuerySet(ScopedQuerySet):
    def lopend_in(self, jaar: int) -> AfspraakQuerySet:
        """Afspraken that run in the year (ingangsjaar ≤ jaar ≤ eindjaar or open)."""
        return self.filter(ingangsjaar__lte=jaar).filter(
            Q(eindjaar__isnull=True) | Q(eindjaar__gte=jaar)
        )

    def in_gemeente(self, gemeentecode: str) -> AfspraakQuerySet:
        """Afspraken in a gemeente's territory: one of their gebouwen lies in
        it, or, for an afspraak that names no gebouw, its coöperatie has an
        overeenkomst on a gebouw of its corporatie in it (`afspraken.gemeente`
        narrows that to the overeenkomsten running in a year)."""
        Gebouw = apps.get_model("cooperatie", "Gebouw")
        Overeenkomst = apps.get_model("cooperatie", "Overeenkomst")
        eigen = self.model.gebouwen.through.objects.filter(
            gebouw__gemeentecode=gemeentecode
        ).values("afspraak_id")
        zonder_gebouwen = ~Exists(
            self.model.gebouwen.through.objects.filter(afspraak_id=OuterRef("pk"))
        )
        via_overeenkomst = Exists(
            Overeenkomst.objects.filter(
                cooperatie_id=OuterRef("cooperatie_id"),
                gebouw__in=Gebouw.objects.filter(
                    gemeentecode=gemeentecode,
                    corporatie_id=OuterRef(OuterRef("corporatie_id")),
                ),
            )
        )
        return self.filter(Q(pk__in=eigen) | (zonder_gebouwen & via_overeenkomst))


class PrestatieafspraakQuerySet(ScopedQuerySet):
    """Besides the declared reach (the corporatie's beheerders and auditors), a
    bestuur reads the prestatieafspraken its cooperatie's afspraken refer to:
    the public agreement its own agreement contributes to; a gemeente reads
    every prestatieafspraak made with it, whichever corporatie made it."""

    def scope_q(self, scope: Scope) -> Q:
        from .models import Afspraak

        q = super().scope_q(scope)
        if scope.bestuur_cooperaties:
            q |= Q(
                pk__in=Afspraak.objects.filter(
                    cooperatie_id__in=scope.bestuur_cooperaties,
                    prestatieafspraak__isnull=False,
                ).values("prestatieafspraak_id")
            )
        if scope.gemeenten:
            q |= Q(gemeentecode__in=scope.gemeenten)
        return q

    def in_gemeente(self, gemeentecode: str) -> PrestatieafspraakQuerySet:
        """Those of one gemeente (its CBS code): the hook of a gemeente's reach."""
        return self.filter(gemeentecode=gemeentecode)

    def lopend_in(self, jaar: int) -> PrestatieafspraakQuerySet:
        """Those that run in the year (ingangsjaar ≤ jaar ≤ eindjaar or open)."""
        return self.filter(ingangsjaar__lte=jaar).filter(
            Q(eindjaar__isnull=True) | Q(eindjaar__gte=jaar)
        )


class PrestatiedoelQuerySet(ScopedQuerySet):
    """Targets follow their prestatieafspraak's reach."""

    def scope_q(self, scope: Scope) -> Q:
        from .models import Prestatieafspraak

        return Q(
            prestatieafspraak_id__in=Prestatieafspraak.objects.all()
            .filter(Prestatieafspraak.objects.all().scope_q(scope))
            .values("pk")
        )


class ToezeggingQuerySet(ScopedQuerySet):
    pass


class ToetsingQuerySet(ScopedQuerySet):
    def in_jaar(self, jaar: int) -> ToetsingQuerySet:
        return self.filter(jaar=jaar)


class BeoordelingQuerySet(ScopedQuerySet):
    pass


class RapportQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    """Sealed reports: scoped, and never changed or deleted."""


class JaarparameterQuerySet(OpenbaarQuerySet):
    """Legal figures are public knowledge: every signed-in user reads them."""

    def geldend(self, jaar: int, code: str):
        """The value in force in the year, or None."""
        row = self.filter(jaar=jaar, code=code).first()
        return row.waarde if row else None
