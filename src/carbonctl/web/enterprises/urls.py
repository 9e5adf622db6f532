from django.urls import path

from carbonctl.web.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("<int:enterprise_id>/", views.enterprise_detail, name="detail"),
]
