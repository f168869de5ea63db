"""URL configuration.

The web UI has four portals, one per role (see `portalen/ui.py`), each with its
own `urls.py` (`portalen/beheer`, `portalen/bestuur`, `portalen/audit`,
`portalen/gemeente`).
"""

from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

from kern.api import problems
from kern.middleware import is_api
from portalen.views import sso, tweestaps
from portalen.views.account import instellingen
from portalen.views.start import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    admin_login,
    home,
)
from portalen.views.uitnodiging import uitnodiging

from . import health
from .metrics import metrics

# The admin has no login form of its own: it signs in through ours, so the
# second factor is asked there too.
admin.site.login = admin_login

urlpatterns = [
    path("", home, name="home"),
    path("gezondheid/", health.health, name="health"),
    path("gezondheid/live/", health.live, name="health-live"),
    path("gezondheid/gereed/", health.ready, name="health-ready"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/login/code/", tweestaps.login_code, name="login-code"),
    path("accounts/sso/start/", sso.StartView.as_view(), name="oidc-start"),
    path("accounts/sso/callback/", sso.CallbackView.as_view(), name="oidc-callback"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/instellingen/", instellingen, name="account-instellingen"),
    path("accounts/tweestaps/", tweestaps.instellen, name="account-tweestaps"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("uitnodiging/<str:token>/", uitnodiging, name="uitnodiging"),
    path("beheer/<int:corporatie_id>/", include("portalen.beheer.urls")),
    path("bestuur/<int:cooperatie_id>/", include("portalen.bestuur.urls")),
    path("audit/<int:corporatie_id>/", include("portalen.audit.urls")),
    path("gemeente/<str:gemeentecode>/", include("portalen.gemeente.urls")),
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


def handler404(request, exception):
    """A path no route answers: problem details under the API, else the page."""
    if is_api(request):
        return problems.api_page_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api(request):
        return problems.api_server_error(request)
    return defaults.server_error(request)
