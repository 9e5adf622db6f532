from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "carbonctl.web.projects"
    label = "projects"
    verbose_name = _("固定资产投资项目节能审查")
