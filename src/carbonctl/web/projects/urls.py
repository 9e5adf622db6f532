from django.urls import path

from carbonctl.web.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.new, name="new"),
    path("template.xlsx", views.template, name="template"),
    path("<int:project_id>/", views.detail, name="detail"),
    path("<int:project_id>/assess/", views.assess, name="assess"),
    path("<int:project_id>/decide/", views.decide, name="decide"),
    path("<int:project_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:project_id>/revise/", views.revise, name="revise"),
    path("<int:project_id>/acceptance/", views.acceptance, name="acceptance"),
    path("<int:project_id>/opinion.pdf", views.opinion_pdf, name="opinion"),
    path("<int:project_id>/calculation.xlsx", views.calculation, name="calculation"),
]
