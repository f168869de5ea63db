"""The auditor's portal: /audit/<corporatie_id>/…"""

from portalen.views import kaart, rapporten, toetsing

from .views import journaal

urlpatterns = [
    *journaal.urlpatterns,
    *toetsing.audit_patterns,
    *rapporten.audit_patterns,
    *kaart.audit_patterns,
]
