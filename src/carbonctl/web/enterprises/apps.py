from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EnterprisesConfig(AppConfig):
    name = "carbonctl.web.enterprises"
    label = "enterprises"
    verbose_name = pgettext_lazy("plural", "重点企业")
