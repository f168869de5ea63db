"""The Woningwet flags of an activity: hints, never refusals.

The Woningwet lets a corporation spend on leefbaarheid "in de directe omgeving,
voor huurder en met partners". An activity of a cooperatie is flagged when

- `niet_open_geen_partners`: it was not open to the neighbourhood and names no
  partners (work for the members alone, without anyone from the buurt);
- `buiten_de_buurt`: it has a buurtcode, and that is not the buurtcode of any
  gebouw of the cooperatie on the activity's date.

"The gebouwen of the cooperatie on a date" are the gebouwen of its
overeenkomsten running on that date (ingangsdatum ≤ datum ≤ einddatum or no
einddatum): the buildings it lets or manages then. (Afspraken are not read:
they sit in a higher layer, and a gebouw in an afspraak is one the cooperatie
has an overeenkomst for.) When none of those gebouwen has a buurtcode the
comparison cannot be made and `buiten_de_buurt` is not raised; codes are
compared as stored, whatever their kaartjaar.

`signalen` is pure (tested without a database);
`ledger.selectors.woningwet_signalen_in` gives the flags of many activities in
two queries, `woningwet_signalen_van` of activities already read (an API list
page) in one.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from .choices import WoningwetSignaal

UITLEG = {
    WoningwetSignaal.NIET_OPEN_GEEN_PARTNERS: _(
        "De Woningwet staat leefbaarheidswerk toe in de directe omgeving, voor "
        "huurders en met partners. Deze activiteit stond niet open voor de buurt "
        "en had geen partners."
    ),
    WoningwetSignaal.BUITEN_DE_BUURT: _(
        "De Woningwet staat leefbaarheidswerk toe in de directe omgeving, voor "
        "huurders en met partners. Deze activiteit was in een andere buurt dan "
        "die van de gebouwen van de coöperatie."
    ),
}
"""What each flag means, in Dutch, for the beheerder and the bestuur."""


def signalen(
    *,
    open_voor_buurt: bool,
    partners: str,
    buurtcode: str,
    gebouw_buurtcodes: Collection[str],
) -> list[str]:
    """The flags of one activity, in the order of `WoningwetSignaal`.

    `gebouw_buurtcodes`: the buurtcodes of the cooperatie's gebouwen on the
    activity's date (empty codes are ignored)."""
    found = []
    if not open_voor_buurt and not partners.strip():
        found.append(_NIET_OPEN_GEEN_PARTNERS)
    if buurtcode:
        bekend = {code for code in gebouw_buurtcodes if code}
        if bekend and buurtcode not in bekend:
            found.append(_BUITEN_DE_BUURT)
    return found


_NIET_OPEN_GEEN_PARTNERS = WoningwetSignaal.NIET_OPEN_GEEN_PARTNERS.value
_BUITEN_DE_BUURT = WoningwetSignaal.BUITEN_DE_BUURT.value


def uitleg(codes: Collection[str]) -> list[dict[str, str]]:
    """The flags with their label and explanation, for a page."""
    return [
        {
            "code": code,
            "label": str(WoningwetSignaal(code).label),
            "uitleg": str(UITLEG[WoningwetSignaal(code)]),
        }
        for code in codes
    ]
