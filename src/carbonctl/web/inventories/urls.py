from django.urls import path

from carbonctl.web.inventories import views

app_name = "inventories"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("inventory/<str:adcode>/", views.region_inventory, name="region"),
    path("inventory/<str:adcode>/cells/", views.region_cells, name="cells"),
    path("maps/shanxi-<str:level>.json", views.map_geojson, name="map"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/publish/", views.publish, name="publish"),
]
