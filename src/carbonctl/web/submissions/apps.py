from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "carbonctl.web.submissions"
    label = "submissions"
    verbose_name = _("数据报送")
