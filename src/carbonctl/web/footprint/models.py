"""Product carbon footprints (产品碳足迹): the background database's versions, the studies of
enterprises' products, and the suppliers' footprints (PACT) a study uses.

Tables of the core's layout (processes, exchanges, foreground model rows) are kept as JSON
lists of rows: they are read and written whole, never queried by cell."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundVersion(models.Model):
    """One version of the background database (背景数据库版本): its processes (with source and
    status per process) and exchanges in the System layout, each process's unit score, and what
    changed against its parent."""

    version = models.CharField(_("版本"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上一版本"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    processes = models.JSONField(_("过程"), default=list)
    exchanges = models.JSONField(_("交换"), default=list)
    unit_scores = models.JSONField(_("单位碳足迹"), default=dict, blank=True)
    method = models.CharField(_("特征化方法"), max_length=10, default="AR6")
    changes = models.JSONField(_("变更"), default=list, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("背景数据库版本")
        verbose_name_plural = _("背景数据库版本")

    def __str__(self) -> str:
        return self.version


class FootprintStudy(models.Model):
    """A product carbon footprint study (产品碳足迹核算) of an enterprise's product: goal and
    scope, the foreground model, the background version it used, and its result."""

    class Boundary(models.TextChoices):
        CRADLE_TO_GATE = "cradle-to-gate", _("从摇篮到大门")
        CRADLE_TO_GRAVE = "cradle-to-grave", _("从摇篮到坟墓")

    class Allocation(models.TextChoices):
        MASS = "mass", _("质量分配")
        ECONOMIC = "economic", _("经济价值分配")
        ENERGY = "energy", _("能量（热值）分配")
        NONE = "none", _("不分配")

    class Assurance(models.TextChoices):
        LIMITED = "limited", _("有限保证")
        REASONABLE = "reasonable", _("合理保证")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("核查通过")
        FAILED = "failed", _("核查未通过")

    class Method(models.TextChoices):
        AR6 = "AR6", _("IPCC 第六次评估报告 100 年全球增温潜势")
        AR5 = "AR5", _("IPCC 第五次评估报告 100 年全球增温潜势")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        related_name="footprint_studies",
        verbose_name=_("企业"),
    )
    product = models.CharField(_("产品"), max_length=100)
    cpc_code = models.CharField(_("产品分类代码（UN CPC）"), max_length=10, blank=True)
    cn_code = models.CharField(_("海关编码（CN）"), max_length=12, blank=True)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    declared_unit = models.CharField(_("声明单位"), max_length=20, default="t")
    declared_amount = models.FloatField(_("声明单位数量"), default=1.0)
    boundary = models.CharField(
        _("系统边界"), max_length=20, choices=Boundary.choices, default=Boundary.CRADLE_TO_GATE
    )
    allocation = models.CharField(
        _("分配方法"), max_length=10, choices=Allocation.choices, default=Allocation.MASS
    )
    method = models.CharField(
        _("特征化方法"), max_length=5, choices=Method.choices, default=Method.AR6
    )
    period_start = models.DateField(_("核算期开始"))
    period_end = models.DateField(_("核算期结束"))
    geography = models.CharField(_("地理范围"), max_length=40, default="CN-SX")
    output_amount = models.FloatField(_("核算期产量"))
    output_unit = models.CharField(_("产量单位"), max_length=20, default="t")
    model = models.JSONField(_("前景模型"), default=list)
    model_file = models.CharField(_("前景模型文件"), max_length=200, blank=True)
    background = models.ForeignKey(
        BackgroundVersion,
        models.PROTECT,
        related_name="studies",
        verbose_name=_("背景数据库版本"),
    )
    demand_process = models.CharField(_("产品过程"), max_length=200, blank=True)
    result = models.JSONField(_("核算结果"), default=dict, blank=True)
    score = models.FloatField(_("碳足迹（kgCO2e/声明单位）"), null=True, blank=True)
    grade = models.CharField(_("碳标识等级"), max_length=20, blank=True)
    grade_detail = models.JSONField(_("等级依据"), default=dict, blank=True)
    tiers = models.JSONField(_("数据质量等级"), default=dict, blank=True)
    verified = models.BooleanField(_("已核查"), default=False)
    # third-party verification (第三方核查): the body the enterprise or the province assigns
    # records its opinion; a recomputation clears it (the verified figure no longer stands)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="footprints_to_verify",
        verbose_name=_("核查机构"),
    )
    verification_outcome = models.CharField(
        _("核查结论"), max_length=10, choices=Outcome.choices, blank=True
    )
    assurance_level = models.CharField(
        _("保证程度"), max_length=10, choices=Assurance.choices, blank=True
    )
    verification_standard = models.CharField(_("核查依据"), max_length=100, blank=True)
    verification_statement = models.CharField(_("核查意见"), max_length=1000, blank=True)
    verified_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    pact_id = models.UUIDField(_("PACT 标识"), default=uuid.uuid4, unique=True, editable=False)
    pact_version = models.PositiveIntegerField(_("PACT 版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "product", "-period_end", "pk"]
        verbose_name = _("产品碳足迹核算")
        verbose_name_plural = _("产品碳足迹核算")

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.product} {self.period_end:%Y}"


class SupplierFootprint(models.Model):
    """A supplier's product footprint imported as a PACT ProductFootprint document for a
    study (供应商碳足迹): the document as received and the figures the study uses."""

    study = models.ForeignKey(
        FootprintStudy,
        models.CASCADE,
        related_name="suppliers",
        verbose_name=_("产品碳足迹核算"),
    )
    pact_id = models.CharField(_("PACT 标识"), max_length=64)
    company = models.CharField(_("供应商"), max_length=200)
    product = models.CharField(_("产品"), max_length=200)
    declared_unit = models.CharField(_("声明单位"), max_length=40)
    pcf = models.FloatField(_("碳足迹（kgCO2e/声明单位）"))
    process_id = models.CharField(_("过程标识"), max_length=200)
    document = models.JSONField(_("PACT 文档"))
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
        ordering = ["study", "company", "product"]
        constraints = [
            models.UniqueConstraint(fields=["study", "pact_id"], name="one_supplier_document")
        ]
        verbose_name = _("供应商碳足迹")
        verbose_name_plural = _("供应商碳足迹")

    def __str__(self) -> str:
        return f"{self.company}/{self.product}"
