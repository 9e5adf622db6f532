from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FootprintConfig(AppConfig):
    name = "carbonctl.web.footprint"
    label = "footprint"
    verbose_name = gettext_lazy("产品碳足迹")

    def ready(self) -> None:
        from carbonctl.web.enterprises.sections import Section, register
        from carbonctl.web.footprint.views import section_context, section_visible

        register(
            Section(
                key="footprint",
                order=60,
                template="footprint/unit_section.html",
                context=section_context,
                visible=section_visible,
            )
        )
