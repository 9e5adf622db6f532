"""Submissions of activity data, their rows and emission results, the factor sets used, and the
import jobs (导入任务) that bring large files in off the request.

Rows and results belong to their submission and are never edited: a correction is a new
submission (a new version) that supersedes the approved one; both stay visible.

A large import writes its rows in short transactions to a submission in the hidden status
``importing`` (staging): ``Submission.objects`` and everything built on it never show such a
submission; one short final transaction makes it ``pending`` (published). A failed or killed
import has its staged rows deleted. ``Submission.all_objects`` sees the staged ones too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FrozenError(RuntimeError):
    """Raised on an attempt to edit rows or results that were already recorded."""


class FactorSet(models.Model):
    """A named, cited set of emission factors (排放因子集), mirrored from the reference data."""

    code = models.CharField(_("编号"), max_length=100, unique=True)
    title_zh = models.CharField(_("中文名称"), max_length=300, blank=True)
    title_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    status = models.CharField(_("数据状态"), max_length=200, blank=True)
    source = models.TextField(_("来源"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("排放因子集")
        verbose_name_plural = pgettext_lazy("plural", "排放因子集")

    def __str__(self) -> str:
        return self.code


class VisibleSubmissions(models.Manager):
    """Submissions that exist for users: every status except ``importing`` (rows being staged)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=Submission.Status.IMPORTING)


class Submission(models.Model):
    """One uploaded file of activity data for an enterprise or a region."""

    class Status(models.TextChoices):
        IMPORTING = "importing", _("导入中")
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")
        SUPERSEDED = "superseded", _("已被更正")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("企业"),
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="submissions", verbose_name=_("地区")
    )
    file_name = models.CharField(_("文件"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的版本"),
    )
    factor_set = models.ForeignKey(FactorSet, models.PROTECT, verbose_name=_("排放因子集"))
    grid_basis = models.CharField(_("电网因子口径"), max_length=12, default="provincial")
    total_tco2 = models.FloatField(_("排放总量 (tCO2)"), default=0.0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    uploaded_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    #: Rows above the soft plausibility bound (合理性提示, see
    #: :func:`carbonctl.io.plausibility_warnings`): ``{"row", "column", "message"}`` records
    #: shown to the reviewer; not errors.
    warnings = models.JSONField(_("合理性提示"), default=list, blank=True)

    objects = VisibleSubmissions()  # the default manager: related managers hide staging too
    all_objects = models.Manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("报送")
        verbose_name_plural = pgettext_lazy("plural", "报送")

    def __str__(self) -> str:
        return f"{self.file_name} v{self.version} ({self.get_status_display()})"


class _Frozen(models.Model):
    """Rows written once with their submission; any later save or delete is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError(f"{self._meta.label} rows are never edited; submit a correction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError(f"{self._meta.label} rows are never deleted; submit a correction")


class ActivityRecord(_Frozen):
    """One validated input row (活动数据), with its spreadsheet row number, and its CO2 (排放量)
    under the submission's factor set: the factor used, its unit and status (因子状态).

    Input and result are one row of one table: an import writes each row once (a second table
    of results doubled the cost of storing 200,000 rows), and a row is never read without its
    result. The factor set is the submission's.
    """

    # indexed together with row_id below: the rows of a submission in spreadsheet order, paged
    submission = models.ForeignKey(
        Submission, models.PROTECT, related_name="activities", db_index=False
    )
    row_id = models.PositiveIntegerField(_("行号"))
    subject = models.CharField(_("主体"), max_length=200)
    period = models.CharField(_("期间"), max_length=7)
    year = models.PositiveSmallIntegerField(_("年份"))
    category = models.CharField(_("类别"), max_length=12)
    item = models.CharField(pgettext_lazy("activity item", "品种"), max_length=200)
    amount = models.FloatField(_("数量"))
    unit = models.CharField(_("单位"), max_length=50)
    region = models.CharField(_("地区"), max_length=50, blank=True)
    parameters = models.JSONField(_("实测参数"), default=dict, blank=True)
    # the result (排放结果)
    item_id = models.CharField(max_length=100, blank=True)
    activity_amount = models.FloatField(null=True)
    activity_unit = models.CharField(max_length=50, blank=True)
    emission_factor = models.FloatField(null=True)
    ef_unit = models.CharField(max_length=50, blank=True)
    tco2 = models.FloatField(_("排放量 (tCO2)"))
    tco2_market = models.FloatField(_("市场法排放量 (tCO2)"))
    tce = models.FloatField(_("标准煤 (tce)"), null=True)
    #: where the factor's parameters came from: the factor set's defaults or the row's own
    parameter_basis = models.CharField(max_length=100, blank=True)
    factor_id = models.CharField(_("因子"), max_length=100, blank=True)
    factor_status = models.CharField(_("因子状态"), max_length=200, blank=True)
    provisional = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["submission", "row_id"]
        indexes = [models.Index(fields=["submission", "row_id"], name="activity_submission_row")]
        verbose_name = _("活动数据")
        verbose_name_plural = pgettext_lazy("plural", "活动数据")


class ImportJob(models.Model):
    """A large upload imported off the request by ``carbonctl worker`` (导入任务).

    The file waits under ``DATA_DIR/uploads`` with a random name (``stored_name``; the user's
    name is only shown, never used on the file system). A worker claims a queued job, stages
    the rows, and either publishes the submission (``done``) or records the row errors
    (``failed``); either way the stored file is removed. ``heartbeat_at`` is renewed while the
    job runs, so a job whose worker died is found and failed (its staged rows deleted).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    file_name = models.CharField(_("文件"), max_length=255)
    stored_name = models.CharField(max_length=100, blank=True)
    sheet = models.CharField(_("工作表"), max_length=255, blank=True)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    supersedes = models.ForeignKey(
        Submission, models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor_set = models.CharField(_("排放因子集"), max_length=100, blank=True)
    grid_basis = models.CharField(_("电网因子口径"), max_length=12, default="provincial")
    rows_total = models.PositiveIntegerField(_("预计行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    submission = models.ForeignKey(
        Submission,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("报送"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
