"""Electricity–carbon rapid assessment (电—碳快速评估) results the platform shows: daily
electricity with its estimated CO2, monthly nowcasts with intervals, and city bulletins.

One :class:`Assessment` holds one computation (its inputs' description, the model's coefficient
table and the cleaning summary); figures and bulletins belong to it, so a newer run replaces an
older one without mixing them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    """One run of the pipeline and the model over a span of months."""

    label = models.CharField(_("说明"), max_length=300)
    synthetic = models.BooleanField(_("合成数据"), default=False)
    year = models.PositiveSmallIntegerField(_("评估年份"))
    through_year = models.PositiveSmallIntegerField(_("所用最新年度清单"))
    engine = models.CharField(_("计算引擎"), max_length=20, default="duckdb")
    quality = models.JSONField(_("数据质量"), default=dict)
    coefficients = models.JSONField(_("电碳系数"), default=list)
    source = models.TextField(_("来源"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("电碳评估")
        verbose_name_plural = _("电碳评估")


class DailyFigure(models.Model):
    """Daily electricity (kWh) and estimated CO2 (t) of a region and model sector (``ALL``)."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="days")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    sector = models.CharField(_("部门"), max_length=12)
    day = models.DateField(_("日期"))
    kwh = models.FloatField(_("用电量(千瓦时)"))
    tco2 = models.FloatField(_("估算排放(吨)"))
    n_readings = models.BigIntegerField(_("读数"), default=0)
    n_flagged = models.BigIntegerField(_("标记读数"), default=0)

    class Meta:
        indexes = [models.Index(fields=["assessment", "region", "sector", "day"])]


class Estimate(models.Model):
    """A monthly or year-to-date CO2 estimate with its 90 % interval (nowcast or reconciled)."""

    class Kind(models.TextChoices):
        MONTH = "month", _("当月")
        YTD = "ytd", _("年初至今")

    class Basis(models.TextChoices):
        NOWCAST = "nowcast", _("即时估算")
        RECONCILED = "reconciled", _("年度清单校准")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="estimates")
    level = models.CharField(_("级别"), max_length=10)
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    sector = models.CharField(_("部门"), max_length=12)
    month = models.CharField(_("月份"), max_length=7)
    kind = models.CharField(_("口径"), max_length=5, choices=Kind.choices)
    basis = models.CharField(_("依据"), max_length=10, choices=Basis.choices)
    kwh = models.FloatField(_("用电量(千瓦时)"))
    tco2 = models.FloatField(_("估算排放(吨)"))
    lo = models.FloatField(_("区间下限"))
    hi = models.FloatField(_("区间上限"))

    class Meta:
        indexes = [models.Index(fields=["assessment", "region", "sector", "month"])]


class Bulletin(models.Model):
    """A city's monthly emission-trend bulletin (月度碳排放趋势简报)."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="bulletins")
    city = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    month = models.CharField(_("月份"), max_length=7)
    content = models.JSONField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "city"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "city", "month"], name="one_bulletin")
        ]
