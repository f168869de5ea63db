"""Import a cooperatie's bookings from a CSV or XLSX file (see
`ledger.importeren`): all rows or none, one journal entry per booking. A
storno is never imported."""

from ledger.importeren import BOEKINGEN

from ._importeren import ImportCommand


class Command(ImportCommand):
    soort = BOEKINGEN
    noun = "boekingen"
    help = (
        "Leest boekingen van een coöperatie in uit een CSV- of XLSX-bestand met de "
        "kolommen datum, soort, bedrag, omschrijving en activiteit. Een storno "
        "wordt niet ingelezen. Alles of niets: bij een fout wordt niets ingelezen "
        "en noemt de foutmelding de rij en de kolom (exitcode 1)."
    )
