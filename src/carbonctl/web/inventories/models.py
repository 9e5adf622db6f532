"""Inventory cells of county-level units, region totals by key industry, and macro figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """Where inventory figures came from (e.g. the synthetic demo, an approved submission)."""

    code = models.CharField(_("编号"), max_length=50, unique=True)
    label = models.CharField(_("说明"), max_length=300)
    synthetic = models.BooleanField(_("合成数据"), default=False)
    factor_set = models.ForeignKey("submissions.FactorSet", models.PROTECT)
    source = models.TextField(_("来源与方法"), blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class InventoryCell(models.Model):
    """CO2 of one county, year, CEADs sector and fuel (or Process), with the physical amount."""

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="cells")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    sector = models.CharField(_("部门"), max_length=100)
    key_industry = models.CharField(_("重点行业"), max_length=100)
    fuel = models.CharField(_("品种"), max_length=50)
    amount = models.FloatField(_("数量"), null=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    tco2 = models.FloatField(_("排放量 (tCO2)"))

    class Meta:
        indexes = [models.Index(fields=["dataset", "region", "year"])]


class RegionTotal(models.Model):
    """CO2 of a region (any level) in a year by key industry — pre-aggregated from the cells
    so that overview pages and the API answer without scanning them."""

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="totals")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    key_industry = models.CharField(_("重点行业"), max_length=100)
    tco2 = models.FloatField(_("排放量 (tCO2)"))

    class Meta:
        indexes = [models.Index(fields=["dataset", "year", "region"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "region", "year", "key_industry"], name="one_total_per_key"
            )
        ]


class RegionCell(models.Model):
    """Sector × fuel CO2 of a city or the province in a year: county cells summed once when a
    dataset is loaded, so region pages and the API do not aggregate thousands of cells."""

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="region_cells")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    sector = models.CharField(_("部门"), max_length=100)
    fuel = models.CharField(_("品种"), max_length=50)
    tco2 = models.FloatField(_("排放量 (tCO2)"))

    class Meta:
        indexes = [models.Index(fields=["dataset", "region", "year"])]


class MacroFigure(models.Model):
    """GDP (current and constant prices) and population of a region in a year."""

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="macro")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    gdp_current = models.FloatField(_("地区生产总值 (亿元, 当年价)"), null=True)
    gdp_constant = models.FloatField(_("地区生产总值 (亿元, 可比价)"), null=True)
    population = models.FloatField(_("常住人口 (万人)"), null=True)
    status = models.CharField(_("数据状态"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "region", "year"], name="one_macro_per_year")
        ]


class Disclosure(models.Model):
    """A published figure (信息公开): what the public may see, frozen when published."""

    dataset = models.ForeignKey(Dataset, models.PROTECT, related_name="disclosures")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    tco2 = models.FloatField(_("排放量 (tCO2)"))
    intensity = models.FloatField(_("碳排放强度 (吨/万元)"), null=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_disclosure_per_year")
        ]
