from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class FactorsConfig(AppConfig):
    name = "carbonctl.web.factors"
    label = "factors"
    verbose_name = pgettext_lazy("plural", "排放因子")
