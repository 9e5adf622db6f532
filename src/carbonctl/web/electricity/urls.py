from django.urls import path

from carbonctl.web.electricity import views

app_name = "electricity"
urlpatterns = [
    path("", views.page, name="page"),
    path("bulletins/<int:bulletin_id>/", views.bulletin, name="bulletin"),
]
