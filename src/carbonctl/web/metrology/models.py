"""Meters (计量器具), their calibrations (检定/校准记录) and the metering points they equip
(计量点): what flow of which enterprise must be measured at which GB 17167-2006 level."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeteringPoint(models.Model):
    """A place where an enterprise's energy or emission flow must be measured (GB 17167-2006:
    the 理论需要量 its equipping rate is counted against); a point without a meter is a gap."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        related_name="metering_points",
        verbose_name=_("企业"),
    )
    code = models.CharField(_("计量点编号"), max_length=64)
    measures = models.CharField(_("计量对象"), max_length=30)  # refdata meter_terms key
    level = models.CharField(_("计量级别"), max_length=20)  # unit / secondary / equipment
    name = models.CharField(_("计量点名称"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="one_metering_point")
        ]
        verbose_name = _("计量点")
        verbose_name_plural = _("计量点")

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.code}"


class Meter(models.Model):
    """An energy or emission meter of an enterprise at a metering point, with the due date of
    its latest calibration (kept here so overdue meters are one query)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="meters", verbose_name=_("企业")
    )
    point = models.ForeignKey(
        MeteringPoint, models.PROTECT, related_name="meters", verbose_name=_("计量点")
    )
    meter_id = models.CharField(_("计量器具编号"), max_length=64)
    name = models.CharField(_("器具名称"), max_length=200, blank=True)
    accuracy_class = models.FloatField(_("准确度等级"))
    installed_on = models.DateField(_("安装日期"))
    due_on = models.DateField(_("检定有效期至"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["enterprise", "meter_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "meter_id"], name="one_meter")]
        verbose_name = _("计量器具")
        verbose_name_plural = _("计量器具")

    def __str__(self) -> str:
        return self.meter_id


class Calibration(models.Model):
    """One calibration (verification) of a meter: its certificate and the date it is valid to."""

    meter = models.ForeignKey(
        Meter, models.PROTECT, related_name="calibrations", verbose_name=_("计量器具")
    )
    certificate = models.CharField(_("检定证书编号"), max_length=100, blank=True)
    calibrated_on = models.DateField(_("检定日期"))
    due_on = models.DateField(_("有效期至"))
    file_name = models.CharField(_("导入文件"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["meter", "-calibrated_on"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "calibrated_on"], name="one_calibration_a_day")
        ]
        verbose_name = _("检定/校准记录")
        verbose_name_plural = _("检定/校准记录")

    def __str__(self) -> str:
        return f"{self.meter_id} {self.calibrated_on}"
