"""The carbon budget ledger as stored (碳排放预算台账): append-only entries and the adjustment
requests that become entries once someone other than their author approves them.

The rules of the ledger (what an entry may say, how entries combine, replay) are the core's
(:mod:`carbonctl.budget.ledger`); every row is checked by it before it is written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete a ledger entry: a correction is a new entry."""


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger entries cannot be changed; record a new entry")

    def delete(self):
        raise AppendOnlyError("ledger entries cannot be deleted; record a new entry")


class LedgerEntry(models.Model):
    """One entry of a region's budget ledger (台账条目)."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("预算下达")
        ACTUAL = "actual", _("实际排放")
        COMMITTED = "committed", _("已批项目")
        PIPELINE = "pipeline", _("在审项目")
        RESERVE = "reserve", _("省级预留")
        ADJUSTMENT = "adjustment", _("调整")

    class Reason(models.TextChoices):
        GDP_REVISION = "gdp_revision", _("GDP修订")
        STATISTICS_REVISION = "statistics_revision", _("统计数据修订")
        PROJECT_CANCELLATION = "project_cancellation", _("项目取消")
        BASE_YEAR_RECALCULATION = "base_year_recalculation", _("基准年重算")
        CARRY_OVER = "carry_over", _("结转")

    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    plan = models.CharField(_("规划期"), max_length=8)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    amount_tco2 = models.FloatField(_("数量 (tCO2)"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    reason_code = models.CharField(_("调整原因"), max_length=30, choices=Reason.choices, blank=True)
    adjusts = models.CharField(_("调整项"), max_length=12, choices=Kind.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now, db_index=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["region", "plan", "year"], name="ledger_region_year")]
        verbose_name = _("预算台账条目")
        verbose_name_plural = _("预算台账条目")

    @property
    def source_display(self) -> str:
        """Where the entry comes from, in words (``project:XM-1`` -> 项目 XM-1, ``rule:…:plan:15th``
        -> 规则 … · “十五五”规划): the stored reference stays the trace, the page shows words."""
        return source_words(self.source)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("ledger entries cannot be changed; record a new entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries cannot be deleted; record a new entry")


#: The first part of a ledger entry's source -> its name.
SOURCE_KINDS = {
    "rule": _("分解规则"),
    "intensity-path": _("强度下降路径"),
    "inventory": _("排放清单"),
    "electricity": _("电碳快速评估"),
    "reserve": _("省级预留"),
    "adjustment-request": _("调整申请"),
    "project": _("项目"),
    "allocation": _("目标分解方案"),
}


def source_words(source: str) -> str:
    """A ledger source (``kind:detail`` parts) in words; plans by their name, unknown parts as
    they are."""
    from carbonctl.web.labels import label

    words, parts = [], str(source or "").split(":")
    index = 0
    while index < len(parts):
        part = parts[index]
        if part == "plan" and index + 1 < len(parts):
            words.append(label("plan", parts[index + 1]))
            index += 2
            continue
        words.append(str(SOURCE_KINDS.get(part, part)))
        index += 1
    return " · ".join(w for w in words if w)


class AdjustmentRequest(models.Model):
    """A proposed adjustment (预算调整申请): recorded in the ledger only when a second person
    approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已退回")

    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    plan = models.CharField(_("规划期"), max_length=8)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    reason_code = models.CharField(_("调整原因"), max_length=30, choices=LedgerEntry.Reason.choices)
    adjusts = models.CharField(
        _("调整项"), max_length=12, choices=LedgerEntry.Kind.choices, blank=True
    )
    amount_tco2 = models.FloatField(_("调整量 (tCO2)"))
    reason = models.TextField(_("说明"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = models.TextField(_("批准意见"), blank=True)
    entry = models.OneToOneField(
        LedgerEntry, models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("预算调整申请")
        verbose_name_plural = _("预算调整申请")
