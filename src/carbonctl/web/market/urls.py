from django.urls import path  # noqa: F401  (the app's pages are added with its views)

app_name = "market"
urlpatterns: list = []
