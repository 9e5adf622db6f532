from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactorsConfig(AppConfig):
    name = "carbonctl.web.factors"
    label = "factors"
    verbose_name = _("排放因子")
