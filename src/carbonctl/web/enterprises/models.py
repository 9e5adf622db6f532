"""Enterprises with a validated unified social credit code, in a county, in a sector."""

from __future__ import annotations

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
