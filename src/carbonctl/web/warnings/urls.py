from django.urls import path

from carbonctl.web.warnings import views

app_name = "warnings"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:warning_id>/", views.detail, name="detail"),
    path("<int:warning_id>/act/", views.act, name="act"),
    path("barometer/", views.barometer, name="barometer"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<slug:rule_id>/", views.rule_history, name="rule"),
    path("rules/<slug:rule_id>/edit/", views.rule_edit, name="rule-edit"),
]
