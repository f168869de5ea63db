"""The bestuur's portal: /bestuur/<cooperatie_id>/…"""

from portalen.views import gebruikers, rapporten, toetsing

from .views import activiteiten, afspraken, boekingen, leden

urlpatterns = [
    *afspraken.urlpatterns,
    *activiteiten.urlpatterns,
    *boekingen.urlpatterns,
    *leden.urlpatterns,
    *toetsing.bestuur_patterns,
    *rapporten.bestuur_patterns,
    *gebruikers.bestuur_patterns,
]
