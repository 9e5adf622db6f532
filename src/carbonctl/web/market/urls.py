from django.urls import path

from carbonctl.web.market import views

app_name = "market"
urlpatterns = [
    path("", views.board, name="board"),
    path("compute/", views.compute, name="compute"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/assign/", views.assign, name="assign"),
    path("verify/", views.verify, name="verify"),
]
