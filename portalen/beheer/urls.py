"""The beheerder's portal: /beheer/<corporatie_id>/…"""

from portalen.views import gebruikers, kaart, rapporten, toetsing

from .views import (
    afspraken,
    cooperaties,
    dashboard,
    dossier,
    gebouwimport,
    koppelingen,
    prestatieafspraken,
)

urlpatterns = [
    *dashboard.urlpatterns,
    *afspraken.urlpatterns,
    *prestatieafspraken.urlpatterns,
    *gebouwimport.urlpatterns,
    *cooperaties.urlpatterns,
    *dossier.urlpatterns,
    *toetsing.beheer_patterns,
    *rapporten.beheer_patterns,
    *gebruikers.beheer_patterns,
    *koppelingen.urlpatterns,
    *kaart.beheer_patterns,
]
