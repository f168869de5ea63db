"""Import a cooperatie's activities from a CSV or XLSX file (see
`ledger.importeren`): all rows or none, one journal entry per activity."""

from ledger.importeren import ACTIVITEITEN

from ._importeren import ImportCommand


class Command(ImportCommand):
    soort = ACTIVITEITEN
    noun = "activiteiten"
    help = (
        "Leest activiteiten van een coöperatie in uit een CSV- of XLSX-bestand met "
        "de kolommen datum, titel, thema, omschrijving, open_voor_buurt, "
        "deelnemers_leden, deelnemers_buurt, vrijwilligersuren, vrijwilligers en "
        "partners. Alles of niets: bij een fout wordt niets ingelezen en noemt de "
        "foutmelding de rij en de kolom (exitcode 1)."
    )
