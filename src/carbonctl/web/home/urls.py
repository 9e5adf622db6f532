from django.urls import path

from carbonctl.web.home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("screen/", views.screen, name="screen"),
]
