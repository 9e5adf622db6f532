from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectricityConfig(AppConfig):
    name = "carbonctl.web.electricity"
    label = "electricity"
    verbose_name = _("电碳快速评估")
