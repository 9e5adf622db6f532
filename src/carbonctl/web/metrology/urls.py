from django.urls import path

from carbonctl.web.metrology import views

app_name = "metrology"
urlpatterns = [
    path("", views.page, name="page"),
    path("import/", views.import_view, name="import"),
    path("template.csv", views.template, name="template"),
    path("meters.xlsx", views.export, name="export"),
]
