"""Fixed-asset investment projects on the platform (固定资产投资项目节能审查和碳排放评价): the
filing as filed, its assessment, the reviewer's signed opinion and the acceptance check.

The workflow (docs/projects.md § 8): submitted → assessed (or held, a new 两高 project in a city
the carbon barometer grades red) → opinion: approved, approved with conditions, or rejected →
after completion the acceptance check: accepted, or re-review when actual CO2 ≥ 110 % of the
approved. The owner may withdraw (cancelled) before the opinion. Each step is a service in
:mod:`.services`, audited; the numbers are the core's (:mod:`carbonctl.projects`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Project(models.Model):
    """A project file (项目申报) and where it stands."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        ASSESSED = "assessed", _("已评估待审查")
        HELD = "held", _("暂缓受理")
        APPROVED = "approved", _("审查通过")
        CONDITIONAL = "conditional", _("有条件通过")
        REJECTED = "rejected", _("不予通过")
        ACCEPTED = "accepted", _("验收通过")
        RE_REVIEW = "re_review", _("重新审查")
        CANCELLED = "cancelled", _("已撤回")

    class Kind(models.TextChoices):
        NEW = "new", _("新建")
        EXPANSION = "expansion", _("扩建")
        RETROFIT = "retrofit", _("改建")

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级审查")
        CITY = "city", _("市级审查")
        EXEMPT = "exempt", _("不单独审查")

    ref = models.CharField(_("项目编号"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        related_name="projects",
        verbose_name=_("项目单位"),
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("建设地点")
    )
    city = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("所在市")
    )
    industry_code = models.CharField(_("行业代码"), max_length=4)
    industry_name = models.CharField(_("行业"), max_length=100)
    kind = models.CharField(_("建设性质"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("达产年份"))
    filing = models.JSONField(_("申报内容"))
    file_name = models.CharField(_("申报文件"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    assessment = models.JSONField(_("评估结果"), null=True, blank=True)
    review_level = models.CharField(_("审查层级"), max_length=10, choices=Level.choices, blank=True)
    two_high = models.BooleanField(_("两高项目"), default=False)
    prohibited = models.BooleanField(_("禁止新增产能"), default=False)
    co2_t = models.FloatField(_("年排放量 (tCO2)"), null=True, blank=True)
    energy_tce = models.FloatField(_("年综合能源消费量 (tce, 当量值)"), null=True, blank=True)
    ledger_tco2 = models.FloatField(_("计入预算 (tCO2)"), null=True, blank=True)
    hold_reason = models.TextField(_("暂缓原因"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申报人")
    )
    filed_at = models.DateTimeField(_("申报时间"))
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("投资项目")
        verbose_name_plural = _("投资项目")

    def __str__(self) -> str:
        return f"{self.name}（{self.ref}）"

    @property
    def under_review(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ASSESSED, self.Status.HELD)

    @property
    def decided(self) -> bool:
        return self.status in (
            self.Status.APPROVED,
            self.Status.CONDITIONAL,
            self.Status.REJECTED,
            self.Status.ACCEPTED,
            self.Status.RE_REVIEW,
        )


class Opinion(models.Model):
    """The reviewer's signed opinion (审查意见): the decision with its reasons and conditions,
    and the assessment it was given on. A re-review adds a new opinion; none is changed."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("同意（审查通过）")
        CONDITIONAL = "conditional", _("有条件同意")
        REJECT = "reject", _("不予同意")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="opinions", verbose_name=_("项目")
    )
    number = models.CharField(_("意见文号"), max_length=40, unique=True)
    outcome = models.CharField(_("审查结论"), max_length=12, choices=Outcome.choices)
    reasons = models.TextField(_("理由"))
    conditions = models.TextField(_("条件"), blank=True)
    assessment = models.JSONField(_("所依据的评估结果"))
    committed_tco2 = models.FloatField(_("计入预算的已批排放 (tCO2)"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审查人")
    )
    signed_at = models.DateTimeField(_("签发时间"))

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("审查意见")
        verbose_name_plural = _("审查意见")


class Acceptance(models.Model):
    """The acceptance check after completion (竣工验收/节能验收): actual against approved."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("验收通过")
        RE_REVIEW = "re_review", _("超出批复，重新审查")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="acceptances", verbose_name=_("项目")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    actual_co2_t = models.FloatField(_("实际年排放 (tCO2)"))
    actual_energy_tce = models.FloatField(_("实际年综合能源消费量 (tce)"), null=True, blank=True)
    approved_co2_t = models.FloatField(_("批复年排放 (tCO2)"))
    ratio = models.FloatField(_("实际/批复"))
    outcome = models.CharField(_("结论"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("验收核查")
        verbose_name_plural = _("验收核查")
