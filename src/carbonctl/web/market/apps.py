from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MarketConfig(AppConfig):
    name = "carbonctl.web.market"
    label = "market"
    verbose_name = gettext_lazy("碳市场")

    def ready(self) -> None:
        from carbonctl.web.enterprises.sections import Section, register
        from carbonctl.web.enterprises.services import register_zero_carbon
        from carbonctl.web.market import services, views

        register_zero_carbon("green_power", services.zero_carbon_co2_by_enterprise)

        register(
            Section(
                key="market",
                order=40,
                template="market/unit_section.html",
                context=views.section_context,
                visible=views.section_visible,
            )
        )
