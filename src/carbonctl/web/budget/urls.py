from django.urls import path, re_path

from carbonctl.web.budget import views

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("adjustments/<int:request_id>/decide/", views.decide, name="decide"),
    re_path(r"^(?P<adcode>\d{6})/$", views.region_page, name="region"),
    re_path(r"^(?P<adcode>\d{6})/adjustments/$", views.request_adjustment, name="request"),
    re_path(r"^(?P<adcode>\d{6})/report/$", views.report, name="report"),
]
