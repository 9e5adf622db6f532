from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class RegionsConfig(AppConfig):
    name = "carbonctl.web.regions"
    label = "regions"
    verbose_name = pgettext_lazy("plural", "行政区划")
