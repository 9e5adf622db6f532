"""Warning rules as the platform stores them (versioned, edited by the province administrator),
the warnings they raised with their lifecycle (open → acknowledged → resolved), the runs that
raised them and the notifications sent to users.

A rule's ``record`` is the same row layout as the packaged rule tables
(:func:`carbonctl.warning.rule_from_record`): editing a rule adds a version, so every warning
names the exact rule text it was raised under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class WarningRule(models.Model):
    """One version of a warning rule (预警规则版本)."""

    rule_id = models.CharField(_("规则编号"), max_length=60)
    version = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("规则类型"), max_length=30)
    name_zh = models.CharField(_("规则名称"), max_length=200)
    record = models.JSONField(_("规则内容"))
    active = models.BooleanField(_("启用"), default=True)
    status = models.TextField(_("依据状态"), blank=True)
    source = models.TextField(_("来源"), blank=True)
    change_note = models.TextField(_("修改说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    created_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        ordering = ["rule_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "version"], name="one_rule_version")
        ]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    @property
    def name(self) -> str:
        """The rule's name in the active language (its record's ``name_en`` in English)."""
        english = (get_language() or "").startswith("en") and (self.record or {}).get("name_en")
        return str(english or self.name_zh)

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.rule_id} v{self.version})"


class Run(models.Model):
    """One evaluation (预警评估): the monthly command or a workflow event."""

    class Trigger(models.TextChoices):
        PERIODIC = "periodic", _("定期评估")
        EVENT = "event", _("业务事件")

    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    published = models.BooleanField(_("已发布"), default=False)
    counts = models.JSONField(_("结果统计"), default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("评估时间"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Warning(models.Model):
    """A warning raised by a rule on one subject and period (预警)."""

    class Level(models.TextChoices):
        RED = "red", _("红色预警")
        YELLOW = "yellow", _("黄色预警")
        GREEN = "green", _("绿色")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已确认")
        RESOLVED = "resolved", _("已解除")

    class SubjectKind(models.TextChoices):
        REGION = "region", _("地区")
        SECTOR = "sector", _("行业")
        ENTERPRISE = "enterprise", _("企业")
        PROJECT = "project", _("项目")

    rule = models.ForeignKey(
        WarningRule, models.PROTECT, related_name="warnings", verbose_name=_("规则")
    )
    rule_id_text = models.CharField(_("规则编号"), max_length=60, db_index=True)
    run = models.ForeignKey(Run, models.PROTECT, related_name="warnings", null=True, blank=True)
    subject = models.CharField(_("对象"), max_length=200)
    subject_name = models.CharField(_("对象名称"), max_length=300, blank=True)
    subject_kind = models.CharField(_("对象类型"), max_length=12, choices=SubjectKind.choices)
    sector = models.CharField(_("行业"), max_length=20, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: the region whose users see the warning (an enterprise's county, a sector's region)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    period = models.CharField(_("期间"), max_length=10, db_index=True)
    level = models.CharField(_("等级"), max_length=6, choices=Level.choices, db_index=True)
    value = models.FloatField(_("指标值"))
    threshold = models.FloatField(_("阈值"))
    message = models.TextField(_("说明"))
    measure = models.TextField(_("建议措施"), blank=True)
    details = models.JSONField(_("明细"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["rule_id_text", "subject", "period"], name="warning_key")]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")


class Notification(models.Model):
    """A warning brought to one user's attention (预警通知), in the platform and by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    warning = models.ForeignKey(Warning, models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "warning"], name="one_notification")]


class ReportingObligation(models.Model):
    """A report a county or an enterprise owes by a deadline (报送义务): the late-data rule reads
    these; ``received_at`` is set when the report arrives."""

    class SubjectKind(models.TextChoices):
        COUNTY = "county", _("县(市、区)")
        ENTERPRISE = "enterprise", _("企业")

    subject_kind = models.CharField(_("对象类型"), max_length=12, choices=SubjectKind.choices)
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.CharField(_("报送内容"), max_length=100)
    period = models.CharField(_("期间"), max_length=7)
    deadline = models.DateField(_("截止日期"))
    received_at = models.DateField(_("报送日期"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("报送义务")
        verbose_name_plural = _("报送义务")
