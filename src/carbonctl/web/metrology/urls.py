from django.urls import path  # noqa: F401  (the app's pages are added with its views)

app_name = "metrology"
urlpatterns: list = []
