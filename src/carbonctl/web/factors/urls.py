from django.urls import path

from carbonctl.web.factors import views

app_name = "factors"
urlpatterns = [
    path("", views.factor_sets, name="sets"),
    path("grid/", views.grid_factors, name="grid"),
    path("sectors/", views.sectors, name="sectors"),
    path("sectors/<str:scheme>/", views.sectors, name="sectors-scheme"),
    path("set/<path:code>/", views.factor_set, name="set"),
]
