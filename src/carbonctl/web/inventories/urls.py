from django.urls import path
from django.views.generic import RedirectView

from carbonctl.web.inventories import views

app_name = "inventories"
urlpatterns = [
    # the overview became the home page (carbonctl.web.home); the old name still leads there
    path(
        "overview/",
        RedirectView.as_view(pattern_name="home:index", query_string=True),
        name="overview",
    ),
    path("inventory/<str:adcode>/", views.region_inventory, name="region"),
    path("inventory/<str:adcode>/cells/", views.region_cells, name="cells"),
    path("maps/shanxi-<str:level>.json", views.map_geojson, name="map"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/publish/", views.publish, name="publish"),
]
