from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MarketConfig(AppConfig):
    name = "carbonctl.web.market"
    label = "market"
    verbose_name = gettext_lazy("碳市场")
