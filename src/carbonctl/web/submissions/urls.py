from django.urls import path

from carbonctl.web.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/review/", views.submission_review, name="review"),
    path("<int:submission_id>/export.xlsx", views.submission_export, name="export"),
    path("imports/<int:job_id>/", views.import_detail, name="import"),
]
