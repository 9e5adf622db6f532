"""A user's role and scope: the province, a city with its counties, a county, or one enterprise."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    PROVINCE_ANALYST = "province_analyst", _("省级分析人员")
    CITY_OFFICIAL = "city_official", _("市级用户")
    COUNTY_OFFICIAL = "county_official", _("县级用户")
    ENTERPRISE_REPORTER = "enterprise_reporter", _("企业填报人员")
    REVIEWER = "reviewer", _("审核人员")
    VERIFIER = "verifier", _("核查机构")
    PUBLIC = "public", _("公众")


#: Which region level each role is tied to (None: not tied to a region).
ROLE_REGION_LEVEL = {
    Role.CITY_OFFICIAL: "city",
    Role.COUNTY_OFFICIAL: "county",
}


#: What a role tied to a region level lacks without one; whole sentences, so each translates
#: as a unit rather than as a level name spliced into a template.
REGION_REQUIRED = {
    "city": _("该角色需要指定一个市级地区"),
    "county": _("该角色需要指定一个县级地区"),
}


class Profile(models.Model):
    """The role and scope of one user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.PUBLIC)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, verbose_name=_("所属地区")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("所属企业"),
    )

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = pgettext_lazy("plural", "用户角色")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self) -> None:
        level = ROLE_REGION_LEVEL.get(self.role)
        if level and (self.region is None or self.region.level != level):
            raise ValidationError({"region": REGION_REQUIRED[level]})
        if self.role == Role.ENTERPRISE_REPORTER and self.enterprise is None:
            raise ValidationError({"enterprise": _("企业填报人员需要指定所属企业")})

    def save(self, *args, **kwargs):
        self.full_clean()
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A token for machine clients of the API; only its SHA-256 is stored. It works until it
    expires (``expires_at``) or is revoked (``revoked_at``, 吊销)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.user.get_username()})"

    def state(self, now) -> str:
        """``active``, ``expired`` or ``revoked`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


class LoginFailure(models.Model):
    """One failed login (登录失败) of a username from an address, kept while it can still count
    towards a lockout (see :mod:`carbonctl.web.accounts.throttle`)."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "address", "at"])]


class LoginLock(models.Model):
    """A lockout (登录锁定): logins of ``username`` from ``address`` are refused until ``until``;
    an empty username locks every login from the address."""

    username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField()
    until = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "until"])]


class BadTokenWindow(models.Model):
    """How many invalid API tokens came from one address in one fixed window of time (the
    window's start); from the limit on the address gets 429 until the window ends."""

    address = models.GenericIPAddressField()
    start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "start"], name="one_bad_token_window")
        ]
