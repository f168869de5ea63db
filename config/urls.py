"""URL configuration.

The web UI has three portals, one per role (see `cooperatie/ui.py`); each page
module of the apps contributes its `urlpatterns` to one portal.
"""

from django.contrib import admin
from django.urls import include, path

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

from afspraken.views import beheer as afspraken_beheer
from afspraken.views import bestuur as afspraken_bestuur
from afspraken.views import dashboard as afspraken_dashboard
from afspraken.views import rapporten as afspraken_rapporten
from afspraken.views import toetsing as afspraken_toetsing
from cooperatie.views import beheer as cooperatie_beheer
from cooperatie.views import leden as cooperatie_leden
from cooperatie.views.start import LoginView, LogoutView, PasswordChangeView, home
from ledger.views import audit as ledger_audit
from ledger.views import bestuur as ledger_bestuur

from .health import health

beheer_patterns = [
    *afspraken_dashboard.urlpatterns,
    *afspraken_beheer.urlpatterns,
    *cooperatie_beheer.urlpatterns,
    *afspraken_toetsing.beheer_patterns,
    *afspraken_rapporten.beheer_patterns,
]
bestuur_patterns = [
    *afspraken_bestuur.urlpatterns,
    *ledger_bestuur.urlpatterns,
    *cooperatie_leden.urlpatterns,
    *afspraken_toetsing.bestuur_patterns,
    *afspraken_rapporten.bestuur_patterns,
]
audit_patterns = [
    *ledger_audit.urlpatterns,
    *afspraken_toetsing.audit_patterns,
    *afspraken_rapporten.audit_patterns,
]

urlpatterns = [
    path("", home, name="home"),
    path("gezondheid/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("beheer/<int:corporatie_id>/", include(beheer_patterns)),
    path("bestuur/<int:cooperatie_id>/", include(bestuur_patterns)),
    path("audit/<int:corporatie_id>/", include(audit_patterns)),
    path("admin/", admin.site.urls),
    # The API docs under the Content-Security-Policy: the split view loads its
    # start script as a file instead of inline; Swagger UI sets inline styles.
    # (Before the API include, so this one answers /api/v1/docs/.)
    path(
        "api/v1/docs/",
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
    ),
    path("api/v1/", include("config.api_urls")),
]
