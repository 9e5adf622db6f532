"""URL map: pages per app, the JSON API under /api/v1/, language switching."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from carbonctl.web.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("enterprises/", include("carbonctl.web.enterprises.urls")),
    path("submissions/", include("carbonctl.web.submissions.urls")),
    path("factors/", include("carbonctl.web.factors.urls")),
    path("targets/", include("carbonctl.web.targets.urls")),
    path("electricity/", include("carbonctl.web.electricity.urls")),
    path("budget/", include("carbonctl.web.budget.urls")),
    path("regions/", include("carbonctl.web.regions.urls")),
    path("warnings/", include("carbonctl.web.warnings.urls")),
    path("projects/", include("carbonctl.web.projects.urls")),
    path("market/", include("carbonctl.web.market.urls")),
    path("metrology/", include("carbonctl.web.metrology.urls")),
    path("footprint/", include("carbonctl.web.footprint.urls")),
    path("", include("carbonctl.web.home.urls")),
    path("", include("carbonctl.web.inventories.urls")),
    prefix_default_language=False,
)
