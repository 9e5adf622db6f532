from django.urls import path

from carbonctl.web.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.key_unit_list, name="list"),
    path("grades/", views.grade_map, name="grades"),
    path("derive/", views.derive, name="derive"),
    path("value-added/", views.value_added, name="value-added"),
    path("saving-targets/", views.saving_targets, name="saving-targets"),
    path("<int:enterprise_id>/", views.enterprise_detail, name="detail"),
    path(
        "<int:enterprise_id>/reports/<int:year>/<str:kind>.<str:fmt>",
        views.report,
        name="report",
    ),
]
