from django.urls import path

from carbonctl.web.targets import views

app_name = "targets"
urlpatterns = [path("allocation/", views.workbench, name="workbench")]
