from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MetrologyConfig(AppConfig):
    name = "carbonctl.web.metrology"
    label = "metrology"
    verbose_name = gettext_lazy("碳计量")
