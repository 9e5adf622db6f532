"""The carbon market's stored data (碳市场): ETS units and their yearly output, allocations
(pre and final), verifier assignments and verifications, compliance, CCER and green holdings.

Every row is written by :mod:`carbonctl.web.market.services` (audited, one transaction); the
figures come from the core (:mod:`carbonctl.market`), never from arithmetic here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """The unit categories of ``ets_unit_categories`` (canonical values)."""

    COAL_LARGE = "conventional coal >300MW", _("300MW等级以上常规燃煤机组")
    COAL_SMALL = "conventional coal <=300MW", _("300MW等级及以下常规燃煤机组")
    UNCONVENTIONAL = "unconventional coal", _("非常规燃煤机组")
    GAS = "gas", _("燃气机组")


class EtsUnit(models.Model):
    """A generating unit in the national ETS (纳入全国碳市场的发电机组)."""

    class Cooling(models.TextChoices):
        WATER = "water", _("水冷")
        AIR = "air", _("空冷")

    class Fuel(models.TextChoices):
        COAL = "coal", _("燃煤")
        GAS = "gas", _("燃气")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="ets_units", verbose_name=_("企业")
    )
    unit_id = models.CharField(_("机组编号"), max_length=40, unique=True)
    category = models.CharField(_("机组类别"), max_length=40, choices=Category.choices)
    capacity_mw = models.FloatField(_("装机容量（MW）"))
    cooling = models.CharField(_("冷却方式"), max_length=10, choices=Cooling.choices, blank=True)
    fuel = models.CharField(_("燃料"), max_length=10, choices=Fuel.choices)

    class Meta:
        ordering = ["unit_id"]
        verbose_name = _("发电机组")
        verbose_name_plural = pgettext_lazy("plural", "发电机组")

    def __str__(self) -> str:
        return self.unit_id


class UnitYear(models.Model):
    """A unit's reported output and emissions of a year (as the enterprise reports them)."""

    unit = models.ForeignKey(EtsUnit, models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年份"))
    generation_mwh = models.FloatField(_("发电量（MWh）"), null=True, blank=True)
    supplied_mwh = models.FloatField(_("供电量（MWh）"), null=True, blank=True)
    heat_supplied_gj = models.FloatField(_("供热量（GJ）"), null=True, blank=True)
    heat_supply_ratio = models.FloatField(_("供热比"), null=True, blank=True)
    load_factor = models.FloatField(_("负荷率"), null=True, blank=True)
    reported_t = models.FloatField(_("报告排放量（tCO2）"), null=True, blank=True)
    ccer_offered_t = models.FloatField(_("拟抵销 CCER（tCO2e）"), default=0.0)
    net_sold_t = models.FloatField(_("2019–2024 年净卖出配额（t）"), null=True, blank=True)

    class Meta:
        ordering = ["unit__unit_id", "year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_ets_unit_year")]


class Allocation(models.Model):
    """A unit's allowances of a year: the pre-allocation on reported output, or the final
    allocation on verified output with its settlement (多退少补) against the pre-allocation."""

    class Stage(models.TextChoices):
        PRE = "pre", _("预分配")
        FINAL = "final", _("最终核定")

    unit = models.ForeignKey(EtsUnit, models.CASCADE, related_name="allocations")
    year = models.PositiveSmallIntegerField(_("年份"))
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    electricity_benchmark = models.FloatField(_("供电（发电）基准值"))
    heat_benchmark = models.FloatField(_("供热基准值"), null=True, blank=True)
    correction = models.FloatField(_("修正系数"))
    output_mwh = models.FloatField(_("计算电量（MWh）"))
    amount_t = models.FloatField(_("配额量（t）"))
    settlement_t = models.FloatField(_("多退少补（t）"), null=True, blank=True)
    #: [{"kind": …, "text": the core's sentence}] — the page shows the kind's translation
    flags = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("计算人")
    )
    created_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        ordering = ["unit__unit_id", "year", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "stage"], name="one_allocation_stage")
        ]


class VerifierAssignment(models.Model):
    """Which verifier (核查机构) verifies a unit's emissions of a year."""

    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="ets_assignments"
    )
    unit = models.ForeignKey(EtsUnit, models.CASCADE, related_name="assignments")
    year = models.PositiveSmallIntegerField(_("年份"))

    class Meta:
        ordering = ["year", "unit__unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_verifier_per_unit_year")
        ]


class Verification(models.Model):
    """A verifier's verified emissions (核查排放量) of a unit-year; a difference of more than
    0.5 % from the reported emissions must be explained."""

    unit = models.ForeignKey(EtsUnit, models.CASCADE, related_name="verifications")
    year = models.PositiveSmallIntegerField(_("年份"))
    reported_t = models.FloatField(_("报告排放量（tCO2）"))
    verified_t = models.FloatField(_("核查排放量（tCO2）"))
    #: verified output (blank: the reported output stands); the final allocation uses it
    generation_mwh = models.FloatField(_("核查发电量（MWh）"), null=True, blank=True)
    supplied_mwh = models.FloatField(_("核查供电量（MWh）"), null=True, blank=True)
    heat_supplied_gj = models.FloatField(_("核查供热量（GJ）"), null=True, blank=True)
    explanation = models.TextField(_("差异说明"), blank=True)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("核查时间"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_verification")]


class Compliance(models.Model):
    """A unit-year's compliance (配额清缴) as the core computes it."""

    unit = models.ForeignKey(EtsUnit, models.CASCADE, related_name="compliance")
    year = models.PositiveSmallIntegerField(_("年份"))
    required_t = models.FloatField(_("应清缴量（t）"))
    allocation_t = models.FloatField(_("配额量（t）"))
    verified_t = models.FloatField(_("核查排放量（tCO2）"))
    ccer_offered_t = models.FloatField(_("拟抵销 CCER（tCO2e）"))
    ccer_used_t = models.FloatField(_("CCER 抵销量（tCO2e）"))
    shortfall_t = models.FloatField(_("缺口（t）"))
    surplus_t = models.FloatField(_("盈余（t）"))
    banked_t = models.FloatField(_("可结转（t）"), null=True, blank=True)
    deadline = models.DateField(_("清缴截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20)
    flags = models.JSONField(default=list)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_compliance")]


class CcerHolding(models.Model):
    """CCER (国家核证自愿减排量) an enterprise holds: project, serial range, amount."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="ccer_holdings"
    )
    project = models.CharField(_("项目"), max_length=200)
    project_start = models.DateField(_("项目开始日期"), null=True, blank=True)
    serials = models.CharField(_("序列号"), max_length=200)
    amount_t = models.FloatField(_("数量（tCO2e）"))


class GreenHolding(models.Model):
    """Green certificates (绿证, 1 GEC = 1 MWh: a serial range) or a green-power contract (绿电合同)
    an enterprise holds for a year; each serial and contract counted once (core ``green``)."""

    class Kind(models.TextChoices):
        GEC = "gec", _("绿证")
        CONTRACT = "contract", _("绿电合同")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="green_holdings"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    serial_from = models.CharField(_("起始编号"), max_length=60, blank=True)
    serial_to = models.CharField(_("截止编号"), max_length=60, blank=True)
    contract = models.CharField(_("绿电合同编号"), max_length=100, blank=True)
    mwh = models.FloatField(_("电量（MWh）"))
