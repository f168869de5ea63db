"""The bestuur's portal: /bestuur/<cooperatie_id>/…"""

from portalen.views import gebruikers, rapporten, toetsing

from .views import (
    activiteiten,
    afspraken,
    boekingen,
    herhalen,
    importeren,
    leden,
    uitvoer,
    vrijwilligers,
)

urlpatterns = [
    *afspraken.urlpatterns,
    *importeren.urlpatterns,
    *herhalen.urlpatterns,
    *activiteiten.urlpatterns,
    *boekingen.urlpatterns,
    *uitvoer.urlpatterns,
    *leden.urlpatterns,
    *vrijwilligers.urlpatterns,
    *toetsing.bestuur_patterns,
    *rapporten.bestuur_patterns,
    *gebruikers.bestuur_patterns,
]
