"""Chainable querysets of the cooperatie app, with tenancy in `visible_to`."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from kern.scoping import OpenbaarQuerySet, Scope, ScopedQuerySet

from .choices import Bestuursfunctie, RolSoort, UitnodigingStatus
from .scope import (
    cooperatie_ids_of_corporaties,
    corporatie_ids_of_cooperaties,
    scope_of,
)


class CorporatieQuerySet(ScopedQuerySet):
    """Besides the declared reach, a bestuur sees the corporaties its
    cooperatie is tied to, and a gemeente the corporaties with a gebouw in it
    (their names in its roll-up)."""

    def scope_q(self, scope: Scope) -> Q:
        from .models import Gebouw

        q = super().scope_q(scope)
        if scope.bestuur_cooperaties:
            q |= Q(pk__in=corporatie_ids_of_cooperaties(scope.bestuur_cooperaties))
        if scope.gemeenten:
            q |= Q(
                pk__in=Gebouw.objects.filter(gemeentecode__in=scope.gemeenten).values(
                    "corporatie_id"
                )
            )
        return q


class GebouwQuerySet(ScopedQuerySet):
    """Besides the declared reach, a bestuur sees the gebouwen its cooperatie
    has an overeenkomst on or an afspraak about, and a gemeente the gebouwen in
    it (a gebouw's own fields hold no member data)."""

    def scope_q(self, scope: Scope) -> Q:
        from .models import Overeenkomst, Relatie

        q = super().scope_q(scope)
        if scope.bestuur_cooperaties:
            own = scope.bestuur_cooperaties
            q |= Q(
                pk__in=Overeenkomst.objects.filter(cooperatie_id__in=own).values(
                    "gebouw_id"
                )
            ) | Q(
                pk__in=Relatie.gebouwen.through.objects.filter(
                    relatie__cooperatie_id__in=own
                ).values("gebouw_id")
            )
        if scope.gemeenten:
            q |= Q(gemeentecode__in=scope.gemeenten)
        return q

    def in_gemeente(self, gemeentecode: str) -> GebouwQuerySet:
        return self.filter(gemeentecode=gemeentecode)


class CooperatieQuerySet(ScopedQuerySet):
    pass


class OvereenkomstQuerySet(ScopedQuerySet):
    def on(self, datum: datetime.date) -> OvereenkomstQuerySet:
        """Overeenkomsten running on the given date."""
        return self.filter(ingangsdatum__lte=datum).filter(
            Q(einddatum__isnull=True) | Q(einddatum__gte=datum)
        )


class LidQuerySet(ScopedQuerySet):
    """Members. Row visibility follows the cooperatie; which *fields* a user may
    read is decided by `cooperatie.permissions.can_see_personal_data`."""

    def op_peildatum(self, peildatum: datetime.date) -> LidQuerySet:
        """Members counted on the peildatum: joined on or before it, not yet left."""
        return self.filter(lid_sinds__lte=peildatum).filter(
            Q(lid_tot__isnull=True) | Q(lid_tot__gt=peildatum)
        )

    def bestuur(self) -> LidQuerySet:
        return self.exclude(bestuursfunctie="")

    def in_functievolgorde(self) -> LidQuerySet:
        """Board functions in their usual order (voorzitter, secretaris,
        penningmeester, bestuurslid), members without one last; by name within."""
        functie = Case(
            *[
                When(bestuursfunctie=value, then=Value(i))
                for i, value in enumerate(Bestuursfunctie.values)
            ],
            default=Value(len(Bestuursfunctie.values)),
            output_field=IntegerField(),
        )
        return self.order_by(functie, "naam", "pk")


class ApiTokenQuerySet(ScopedQuerySet):
    """API tokens are personal: a user sees only their own."""

    def visible_to(self, user) -> ApiTokenQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user_id=user.pk)

    def scope_q(self, scope: Scope) -> Q:
        return Q()

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiClientQuerySet(ScopedQuerySet):
    """A corporatie's machine clients: its beheerders see and revoke them (an
    auditor or a bestuur sees none)."""

    def scope_q(self, scope: Scope) -> Q:
        return Q(corporatie_id__in=scope.beheerder_corporaties)

    def active(self) -> ApiClientQuerySet:
        return self.filter(revoked_at__isnull=True)


class RolQuerySet(ScopedQuerySet):
    """A user sees their own roles; a beheerder also the roles on their corporatie
    and on the cooperaties in its scope; a bestuur the board of its cooperatie."""

    def visible_to(self, user) -> RolQuerySet:
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        if scope.is_empty:
            if user is None or not user.is_authenticated or not user.is_active:
                return self.none()
            return self.filter(user_id=user.pk)
        return self.filter(Q(user_id=user.pk) | self.scope_q(scope))

    def scope_q(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        if scope.beheerder_corporaties:
            q |= Q(corporatie_id__in=scope.beheerder_corporaties) | Q(
                cooperatie_id__in=cooperatie_ids_of_corporaties(
                    scope.beheerder_corporaties
                )
            )
        if scope.bestuur_cooperaties:
            # Fellow board members of the user's own cooperaties.
            q |= Q(soort=RolSoort.BESTUUR, cooperatie_id__in=scope.bestuur_cooperaties)
        return q


class UitnodigingQuerySet(ScopedQuerySet):
    """Invitations, like the roles they grant: a beheerder sees those on their
    corporatie and on the cooperaties in its scope; a bestuur those to the board
    of its own cooperatie. An auditor sees none."""

    def scope_q(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        if scope.beheerder_corporaties:
            q |= Q(corporatie_id__in=scope.beheerder_corporaties) | Q(
                cooperatie_id__in=cooperatie_ids_of_corporaties(
                    scope.beheerder_corporaties
                )
            )
        if scope.bestuur_cooperaties:
            q |= Q(cooperatie_id__in=scope.bestuur_cooperaties)
        return q

    def open(self) -> UitnodigingQuerySet:
        return self.with_status(UitnodigingStatus.OPEN)

    def with_status(self, status: str) -> UitnodigingQuerySet:
        """The invitations `uitnodigingen.status_of` gives this status: accepted
        comes first, then withdrawn, then expired."""
        unused = Q(geaccepteerd_op__isnull=True, ingetrokken_op__isnull=True)
        now = timezone.now()
        return self.filter(
            {
                UitnodigingStatus.GEBRUIKT: Q(geaccepteerd_op__isnull=False),
                UitnodigingStatus.INGETROKKEN: Q(
                    geaccepteerd_op__isnull=True, ingetrokken_op__isnull=False
                ),
                UitnodigingStatus.VERLOPEN: unused & Q(verloopt_op__lte=now),
                UitnodigingStatus.OPEN: unused & Q(verloopt_op__gt=now),
            }[status]
        )


class BuurtcijfersQuerySet(OpenbaarQuerySet):
    """Figures per buurt from public sources: every signed-in user reads them."""
