"""Enterprises with a validated unified social credit code, in a county, in a sector."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from carbonctl.enterprises.uscc import InvalidCreditCode, normalise, parse_credit_code


def validate_credit_code(value: str) -> None:
    """Django validator: GB 32100-2015 format and check character."""
    try:
        parse_credit_code(value)
    except InvalidCreditCode as exc:
        raise ValidationError(str(exc), code="invalid_credit_code") from exc


class Enterprise(models.Model):
    """A key energy-using or carbon-emitting enterprise (重点用能和排放单位)."""

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name_zh = models.CharField(_("企业名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    county = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所在县(市、区)"),
    )
    sector = models.CharField(_("行业 (CEADs)"), max_length=100, blank=True)
    key_industry = models.CharField(_("重点行业"), max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("重点企业")
        verbose_name_plural = pgettext_lazy("plural", "重点企业")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        """The name in the active language (Chinese unless English is chosen and known)."""
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh

    def save(self, *args, **kwargs):
        self.credit_code = normalise(self.credit_code)
        self.full_clean()
        super().save(*args, **kwargs)


class ProductEnergy(models.Model):
    """An enterprise's specific energy use of a product or process in a year (单位产品能耗),
    compared with the energy-efficiency benchmark (标杆) and baseline (基准) levels."""

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="product_energy", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    product = models.CharField(_("产品或工序"), max_length=100)
    output = models.FloatField(_("产量"), null=True, blank=True)
    output_unit = models.CharField(_("产量单位"), max_length=30, blank=True)
    specific_energy = models.FloatField(_("单位产品能耗"))
    unit = models.CharField(_("单位"), max_length=30)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "year", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "product"], name="one_product_energy"
            )
        ]
        verbose_name = _("单位产品能耗")
        verbose_name_plural = _("单位产品能耗")


class UnitYear(models.Model):
    """An enterprise's energy and CO2 of a year (年度能源消费和碳排放), summed from its approved
    submissions (``submission_ids``) or, for the demo, estimated (``source`` says which).
    ``details`` keeps the breakdown the annual reports need: ``categories`` {category: {tco2,
    tce}} and ``carriers`` [{item, amount, unit, tce, tco2}]."""

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="unit_years", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    energy_tce = models.FloatField(_("综合能源消费量 (tce)"))
    co2_t = models.FloatField(_("二氧化碳排放量 (tCO2)"))
    value_added_10k_cny = models.FloatField(_("工业增加值 (万元)"), null=True, blank=True)
    provincially_listed = models.BooleanField(_("省级名单"), default=False)
    submission_ids = models.JSONField(_("来源报送"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["enterprise", "year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_unit_year")]
        verbose_name = _("年度能耗与排放")
        verbose_name_plural = _("年度能耗与排放")


class Designation(models.Model):
    """A year's designation of an enterprise as a key unit of one kind (重点单位认定), with the
    criteria it met; one row per enterprise, year and kind, earlier years kept (history)."""

    class Kind(models.TextChoices):
        KEY_ENERGY_USER = "key_energy_user", pgettext_lazy("designation", "重点用能单位")
        ETS_UNIT = "ets_unit", pgettext_lazy("designation", "全国碳市场重点排放单位")

    class Reason(models.TextChoices):
        ENERGY_10K_TCE = "energy_10k_tce", _("年综合能源消费量≥1万吨标准煤")
        ENERGY_5K_TCE_LISTED = "energy_5k_tce_listed", _("省级指定且年综合能源消费量≥5000吨标准煤")
        ETS_POWER = "ets_power", _("发电行业年排放量≥2.6万吨二氧化碳当量")
        ETS_STEEL = "ets_steel", _("钢铁行业年排放量≥2.6万吨二氧化碳当量")
        ETS_CEMENT = "ets_cement", _("水泥行业年排放量≥2.6万吨二氧化碳当量")
        ETS_ALUMINIUM = "ets_aluminium", _("铝冶炼行业年排放量≥2.6万吨二氧化碳当量")

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="designations", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    reasons = models.JSONField(_("认定依据"), default=list)
    energy_tce = models.FloatField(_("综合能源消费量 (tce)"))
    co2_t = models.FloatField(_("二氧化碳排放量 (tCO2)"))
    derived_at = models.DateTimeField(_("认定时间"), auto_now=True)
    derived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("认定人"),
    )

    class Meta:
        ordering = ["-year", "kind", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "kind"], name="one_designation")
        ]
        verbose_name = _("重点单位认定")
        verbose_name_plural = _("重点单位认定")

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons]


class EnergySavingTarget(models.Model):
    """An enterprise's energy-saving target of a five-year period (节能目标, tce saved) and what it
    has saved by ``as_of_year`` (累计节能量)."""

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="saving_targets", verbose_name=_("企业")
    )
    plan = models.CharField(_("规划期"), max_length=10)
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("终止年"))
    baseline_year = models.PositiveSmallIntegerField(_("基准年"))
    baseline_energy_tce = models.FloatField(_("基准年综合能源消费量 (tce)"))
    target_saving_tce = models.FloatField(_("节能量目标 (tce)"))
    achieved_saving_tce = models.FloatField(_("累计节能量 (tce)"), default=0.0)
    as_of_year = models.PositiveSmallIntegerField(_("截至年份"))
    source = models.CharField(_("来源"), max_length=300, blank=True)

    class Meta:
        ordering = ["enterprise", "plan"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "plan"], name="one_saving_target")
        ]
        verbose_name = _("节能目标")
        verbose_name_plural = _("节能目标")
