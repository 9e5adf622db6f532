from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "carbonctl.web.budget"
    label = "budget"
    verbose_name = _("碳排放预算")
