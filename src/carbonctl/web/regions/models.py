"""Regions by adcode (GB/T 2260), with their level, parent and Chinese/English names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A province, city or county-level unit (省/市/县), keyed by its 6-digit adcode."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县(市、区)")

    adcode = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    status = models.CharField(_("数据状态"), max_length=200, blank=True)
    source = models.TextField(_("来源"), blank=True)

    class Meta:
        ordering = ["adcode"]
        verbose_name = _("行政区划")
        verbose_name_plural = pgettext_lazy("plural", "行政区划")

    def __str__(self) -> str:
        return f"{self.name} ({self.adcode})"

    @property
    def name(self) -> str:
        """The name in the active language (Chinese unless English is chosen)."""
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh
