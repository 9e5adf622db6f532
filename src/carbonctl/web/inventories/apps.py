from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoriesConfig(AppConfig):
    name = "carbonctl.web.inventories"
    label = "inventories"
    verbose_name = _("区域清单")
