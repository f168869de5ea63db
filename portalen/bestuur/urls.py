"""The bestuur's portal: /bestuur/<cooperatie_id>/…"""

from portalen.views import gebruikers, rapporten, toetsing

from .views import activiteiten, afspraken, boekingen, leden, uitvoer

urlpatterns = [
    *afspraken.urlpatterns,
    *activiteiten.urlpatterns,
    *boekingen.urlpatterns,
    *uitvoer.urlpatterns,
    *leden.urlpatterns,
    *toetsing.bestuur_patterns,
    *rapporten.bestuur_patterns,
    *gebruikers.bestuur_patterns,
]
