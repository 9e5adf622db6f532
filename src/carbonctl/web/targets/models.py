"""Allocation proposals (分解方案) and the regional five-year targets adopted from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    """An allocation of the province target among cities, proposed and then reviewed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")

    plan = models.CharField(_("规划期"), max_length=20)
    base_year = models.PositiveSmallIntegerField(_("基准年"))
    method = models.CharField(_("方法"), max_length=30)
    target = models.FloatField(_("全省强度下降目标"))
    growth = models.FloatField(_("规划期GDP年均增速(假设)"))
    reductions = models.JSONField(_("各市下降目标"))
    achieved = models.FloatField(_("全省实现下降"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]


class Target(models.Model):
    """A region's five-year CO2-intensity reduction target (强度下降目标), from a proposal."""

    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    plan = models.CharField(_("规划期"), max_length=20)
    base_year = models.PositiveSmallIntegerField(_("基准年"))
    reduction = models.FloatField(_("强度下降目标"))
    binding = models.BooleanField(_("约束性"), default=True)
    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="targets")

    class Meta:
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "plan"], name="one_target_per_plan")
        ]
