from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MetrologyConfig(AppConfig):
    name = "carbonctl.web.metrology"
    label = "metrology"
    verbose_name = gettext_lazy("碳计量")

    def ready(self) -> None:
        from carbonctl.web.enterprises.sections import Section, register
        from carbonctl.web.metrology.labels import register_warning_labels
        from carbonctl.web.metrology.views import section_context, section_visible

        register(
            Section(
                key="metrology",
                order=50,
                template="metrology/unit_section.html",
                context=section_context,
                visible=section_visible,
            )
        )
        register_warning_labels()
