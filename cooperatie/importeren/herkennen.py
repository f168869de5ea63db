"""Which member each row of the file stands for: by e-mail when both the row
and the member have one, else by naam plus adres. Rows that stand for the same
member, or for no one clearly, are refused."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..models import Lid
from .kolommen import RowError

if TYPE_CHECKING:
    from .lezen import ParsedFile
    from .plannen import RowPlan


def _same(text: str) -> str:
    """Names and addresses compared without case or extra spaces."""
    return " ".join(text.split()).casefold()


def _identity(values: dict[str, str]) -> tuple[str, tuple[str, str]]:
    """(e-mail, (naam, adres)) of a row's text cells, normalised for matching."""
    return (
        values.get("email", "").strip().casefold(),
        (_same(values.get("naam", "")), _same(values.get("adres", ""))),
    )


class Members:
    """The cooperatie's members, looked up the way rows are matched: by e-mail
    when both have one, else by naam plus adres."""

    def __init__(self, leden: Iterable[Lid]):
        self.by_email: dict[str, list[Lid]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[Lid]] = defaultdict(list)
        for lid in leden:
            if lid.email:
                self.by_email[lid.email.casefold()].append(lid)
            self.by_name[(_same(lid.naam), _same(lid.adres))].append(lid)

    def match(self, cells: dict[str, str]) -> tuple[Lid | None, str]:
        """The member a row stands for (or None for a new one), or an error."""
        email, name = _identity(cells)
        if email and (found := self.by_email.get(email)):
            exact = [lid for lid in found if lid.email == cells["email"].strip()]
            return (exact or found)[0], ""
        candidates = [
            lid for lid in self.by_name.get(name, []) if not (email and lid.email)
        ]
        if len(candidates) > 1:
            current = [lid for lid in candidates if lid.lid_tot is None]
            if len(current) == 1:
                return current[0], ""
            return None, _(
                "Meer dan één lid heeft deze naam en dit adres; vul het "
                "e-mailadres in om aan te geven welk lid het is."
            )
        return (candidates[0] if candidates else None), ""


def _flag_duplicates(rows: list[RowPlan], parsed: ParsedFile) -> set[frozenset]:
    """Rows for the same member (same e-mail, or same naam plus adres where not
    both have an e-mail) are refused, on both rows. Returns the pairs of row
    numbers found."""
    pairs: set[frozenset] = set()
    by_email: dict[str, list[RowPlan]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[RowPlan]] = defaultdict(list)
    for row in rows:
        email, name = _identity(row.cells)
        if email:
            by_email[email].append(row)
        if name[0]:
            by_name[name].append(row)
    for group in by_email.values():
        for row in group:
            others = [other.number for other in group if other is not row]
            pairs.update(frozenset((row.number, other)) for other in others)
            if others:
                row.errors.append(
                    RowError(
                        row.number,
                        parsed.header("email"),
                        _("Hetzelfde e-mailadres staat ook in rij %(rijen)s.")
                        % {"rijen": ", ".join(map(str, others))},
                    )
                )
    for group in by_name.values():
        for row in group:
            email = _identity(row.cells)[0]
            others = [
                other.number
                for other in group
                if other is not row and not (email and _identity(other.cells)[0])
            ]
            pairs.update(frozenset((row.number, other)) for other in others)
            if others:
                row.errors.append(
                    RowError(
                        row.number,
                        parsed.header("naam"),
                        _(
                            "Dezelfde naam met hetzelfde adres staat ook in rij "
                            "%(rijen)s."
                        )
                        % {"rijen": ", ".join(map(str, others))},
                    )
                )
    return pairs


def match_rows(rows: list[RowPlan], leden: Iterable[Lid], parsed: ParsedFile) -> set:
    """Set each row's member (None for a new one) and refuse rows that repeat
    another row or match ambiguously. Returns the pks of the matched members."""
    duplicates = _flag_duplicates(rows, parsed)
    members = Members(leden)
    matched: dict[int, RowPlan] = {}
    for row in rows:
        lid, problem = members.match(row.cells)
        if problem:
            row.errors.append(RowError(row.number, parsed.header("naam"), problem))
            continue
        if lid is None:
            continue
        first = matched.setdefault(lid.pk, row)
        pair = frozenset((first.number, row.number))
        # (Two rows refused as duplicates already need no second error.)
        if first is not row and pair not in duplicates:
            message = _("Rij %(a)s en rij %(b)s zijn hetzelfde lid.") % {
                "a": first.number,
                "b": row.number,
            }
            for plan_row in (first, row):
                plan_row.errors.append(
                    RowError(plan_row.number, parsed.header("naam"), message)
                )
        row.lid = lid
    return set(matched)
