from django.urls import path

from carbonctl.web.footprint import views

app_name = "footprint"
urlpatterns = [
    path("", views.page, name="page"),
    path("new/", views.new_study, name="new"),
    path("model-template.csv", views.model_template, name="template"),
    path("grades/", views.grades, name="grades"),
    path("background/", views.background, name="background"),
    path("background/upload/", views.background_upload, name="background-upload"),
    path("background/<int:version_id>.zip", views.background_export, name="background-export"),
    path("<int:study_id>/", views.study, name="study"),
    path("<int:study_id>/suppliers/", views.suppliers, name="suppliers"),
    path("<int:study_id>/verifier/", views.assign_verifier, name="assign-verifier"),
    path("<int:study_id>/verify/", views.verify, name="verify"),
    path("<int:study_id>/background/", views.update_background, name="update-background"),
    path("<int:study_id>/pact.json", views.pact, name="pact"),
    path("<int:study_id>/cbam.xlsx", views.cbam, name="cbam"),
    path("<int:study_id>/report.<str:fmt>", views.report, name="report"),
]
