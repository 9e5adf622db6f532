from django.urls import path

from carbonctl.web.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.target_tree, name="tree"),
    path("allocation/", views.workbench, name="workbench"),
    path("allocation/propose/", views.propose, name="propose"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/review/", views.proposal_review, name="review"),
    path("assessment/", views.assessment, name="assessment"),
    path("<int:target_id>/decompose/", views.decompose_target, name="decompose"),
]
