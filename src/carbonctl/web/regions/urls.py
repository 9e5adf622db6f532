from django.urls import path

from carbonctl.web.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<str:adcode>/", views.region_detail, name="detail"),
]
