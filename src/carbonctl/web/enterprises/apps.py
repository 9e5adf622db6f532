from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EnterprisesConfig(AppConfig):
    name = "carbonctl.web.enterprises"
    label = "enterprises"
    verbose_name = pgettext_lazy("plural", "重点企业")

    def ready(self) -> None:
        from carbonctl.web.enterprises import views
        from carbonctl.web.enterprises.sections import Section, register

        register(
            Section(
                key="key_units",
                order=10,
                template="enterprises/_key_unit_section.html",
                context=views.key_unit_section,
                visible=views.may_see_key_unit_section,
            )
        )
