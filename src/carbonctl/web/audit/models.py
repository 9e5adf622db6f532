"""Audit entries: append-only records of changes to official data and of refused requests."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry from the application."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event: create, update, approve, reject, a denied access, or a guess at a
    credential (a failed login, a lockout, an invalid API token) and a token's revocation."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        APPROVE = "approve", _("审核通过")
        REJECT = "reject", _("退回")
        SUPERSEDE = "supersede", _("更正替代")
        DENY = "deny", _("拒绝访问")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录锁定")
        BAD_TOKEN = "bad_token", _("无效令牌")
        TOKEN_REVOKED = "token_revoked", _("吊销令牌")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, verbose_name=_("用户")
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=100, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None and AuditEntry.objects.filter(pk=self.pk).exists():
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")
