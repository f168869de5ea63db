"""REST API v1: one router, Dutch plural resource names (domain §7)."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider.views import TokenView
from rest_framework.routers import DefaultRouter

from afspraken.api import views as afspraken
from afspraken.api.gemeente import GemeenteOverzichtViewSet
from cooperatie.api import views as cooperatie
from kern.api.problems import problem_type_view
from ledger.api import views as ledger

router = DefaultRouter()
router.register("corporaties", cooperatie.CorporatieViewSet, basename="corporatie")
router.register("gebouwen", cooperatie.GebouwViewSet, basename="gebouw")
router.register("cooperaties", cooperatie.CooperatieViewSet, basename="cooperatie")
router.register(
    "overeenkomsten", cooperatie.OvereenkomstViewSet, basename="overeenkomst"
)
router.register("leden", cooperatie.LidViewSet, basename="lid")
router.register("afspraken", afspraken.AfspraakViewSet, basename="afspraak")
router.register(
    "prestatieafspraken",
    afspraken.PrestatieafspraakViewSet,
    basename="prestatieafspraak",
)
router.register("toezeggingen", afspraken.ToezeggingViewSet, basename="toezegging")
router.register("activiteiten", ledger.ActiviteitViewSet, basename="activiteit")
router.register("boekingen", ledger.BoekingViewSet, basename="boeking")
router.register("toetsingen", afspraken.ToetsingViewSet, basename="toetsing")
router.register("rapporten", afspraken.RapportViewSet, basename="rapport")
router.register(
    "jaarparameters", afspraken.JaarparameterViewSet, basename="jaarparameter"
)
router.register("journaal", ledger.JournaalViewSet, basename="journaal")
router.register("tokens", cooperatie.ApiTokenViewSet, basename="apitoken")
router.register("koppelingen", cooperatie.ApiClientViewSet, basename="apiclient")
router.register("uitnodigingen", cooperatie.UitnodigingViewSet, basename="uitnodiging")
router.register("rollen", cooperatie.RolViewSet, basename="rol")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
    # Machine clients exchange their client id and secret for an access token
    # (OAuth2 client credentials, cooperatie.oauth; settings.SPECTACULAR_SETTINGS
    # names this address as the schema's tokenUrl).
    path("oauth/token/", TokenView.as_view(), name="oauth-token"),
    # What each problem type of an error answer means (its `type` URI).
    path("problemen/<slug:naam>/", problem_type_view, name="api-probleem"),
    # The roll-up of a gemeente: one read-only document per gemeente, no list
    # (afspraken.api.gemeente; its own tests, tests/api/test_gemeente_overzicht.py).
    path(
        "gemeente-overzichten/<str:gemeentecode>/",
        GemeenteOverzichtViewSet.as_view({"get": "retrieve"}),
        name="gemeente-overzicht-detail",
    ),
    path("", include(router.urls)),
]
