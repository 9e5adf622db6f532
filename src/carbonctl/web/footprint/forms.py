"""Forms of the footprint pages: the list's and the background's filters, a new study with its
foreground model, a supplier's PACT file, a background addition."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carbonctl.metrology.tiers import TIERS, tier_table
from carbonctl.web.footprint.models import FootprintStudy
from carbonctl.web.forms import format_field

#: Largest upload accepted (a foreground model or a background addition of a few thousand rows).
MAX_FILE_BYTES = 5 * 2**20
TABLE_SUFFIXES = (".csv", ".xlsx")


def _table_file(upload, what):
    if not upload.name.lower().endswith(TABLE_SUFFIXES):
        raise forms.ValidationError(_("请上传 .csv 或 .xlsx 文件（%(what)s）。") % {"what": what})
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(_("文件过大：不超过 5 MB。"))
    return upload


class ListQuery(forms.Form):
    """The studies list: a product filter, the page, the Excel export."""

    product = forms.CharField(max_length=100, required=False)
    page = forms.IntegerField(min_value=1, max_value=100000, required=False)
    format = format_field("xlsx")


class BackgroundQuery(forms.Form):
    """The background page: the version shown, a text in the process name, a category."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    q = forms.CharField(max_length=100, required=False)
    category = forms.RegexField(r"^[a-z_]{1,30}$", required=False)


class GradesQuery(forms.Form):
    industry = forms.CharField(max_length=100, required=False)


class StudyForm(forms.Form):
    """A new study: its goal and scope, and the product's foreground model."""

    enterprise = forms.ChoiceField(label=_("企业"))
    product = forms.CharField(label=_("产品名称"), max_length=100)
    cpc_code = forms.RegexField(
        r"^\d{1,5}$", label=_("产品分类代码（UN CPC，如 37440）"), required=False, max_length=5
    )
    cn_code = forms.RegexField(
        r"^[\d ]{4,12}$",
        label=_("海关编码（CN，出口欧盟的钢铁、铝、水泥产品填写）"),
        required=False,
        max_length=12,
    )
    industry = forms.ChoiceField(label=_("行业"))
    declared_unit = forms.ChoiceField(
        label=_("声明单位"), choices=[("t", "t"), ("kg", "kg"), ("m3", "m3"), ("kWh", "kWh")]
    )
    boundary = forms.ChoiceField(label=_("系统边界"), choices=FootprintStudy.Boundary.choices)
    allocation = forms.ChoiceField(label=_("分配方法"), choices=FootprintStudy.Allocation.choices)
    method = forms.ChoiceField(label=_("特征化方法"), choices=FootprintStudy.Method.choices)
    period_start = forms.DateField(label=_("核算期开始（如 2025-01-01）"))
    period_end = forms.DateField(label=_("核算期结束（如 2025-12-31）"))
    output_amount = forms.FloatField(
        label=_("核算期产量（按声明单位）"), min_value=1e-9, max_value=1e12
    )
    file = forms.FileField(label=_("前景模型文件（CSV 或 Excel）"))

    def __init__(self, *args, enterprises=(), industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(str(e.pk), e.name) for e in enterprises]
        self.fields["industry"].choices = list(industries)
        # the data-quality tiers of the foreground activity data (carbonctl.metrology), in %
        names = tier_table()["name_en" if get_language().startswith("en") else "name_zh"]
        for tier in TIERS:
            self.fields[f"tier_{tier}"] = forms.FloatField(
                label=_("%(tier)s 占比（%%）") % {"tier": names[tier]},
                min_value=0,
                max_value=100,
                required=False,
            )

    def clean_file(self):
        return _table_file(self.cleaned_data["file"], _("前景模型"))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and not (dt.date(1990, 1, 1) <= start <= end <= dt.date(2100, 12, 31)):
            raise forms.ValidationError(_("核算期结束不得早于开始，且在 1990–2100 年之间。"))
        data["tiers"] = self._tiers(data)
        return data

    def _tiers(self, data) -> dict[str, float]:
        """The tier shares (0–1) when any is given; they must add up to 100 % (within 0.5)."""
        given = {t: data.get(f"tier_{t}") for t in TIERS}
        if all(v is None for v in given.values()):
            return {}  # not assessed
        total = sum(v or 0.0 for v in given.values())
        if abs(total - 100) > 0.5:
            raise forms.ValidationError(
                _("数据质量等级占比之和须为 100%%（现为 %(total)s%%）；不评估则全部留空。")
                % {"total": f"{total:g}"}
            )
        return {t: (v or 0.0) / total for t, v in given.items()}


class PactForm(forms.Form):
    """Suppliers' footprints: a PACT ProductFootprint JSON file (one or a list)."""

    file = forms.FileField(label=_("供应商 PACT 碳足迹文件（JSON）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(_("请上传 .json 文件（PACT 产品碳足迹）。"))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大：不超过 5 MB。"))
        return upload


class BackgroundUploadForm(forms.Form):
    """Additions to the background database: processes and exchanges in the System layout,
    each process with its source and status."""

    version = forms.RegexField(
        r"^[0-9A-Za-z._\-]{1,40}$", label=_("新版本号（如 2026.2）"), max_length=40
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    processes = forms.FileField(label=_("过程表 processes（CSV 或 Excel）"))
    exchanges = forms.FileField(label=_("交换表 exchanges（CSV 或 Excel）"))

    def clean_processes(self):
        return _table_file(self.cleaned_data["processes"], _("过程表"))

    def clean_exchanges(self):
        return _table_file(self.cleaned_data["exchanges"], _("交换表"))


class VerifierForm(forms.Form):
    """Assign a verification body (核查机构) to a study."""

    verifier = forms.ModelChoiceField(queryset=None, label=_("核查机构"))

    def __init__(self, *args, verifiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].queryset = verifiers


class OpinionForm(forms.Form):
    """The assigned verifier's opinion on a study (核查意见)."""

    outcome = forms.ChoiceField(choices=FootprintStudy.Outcome.choices, label=_("核查结论"))
    level = forms.ChoiceField(choices=FootprintStudy.Assurance.choices, label=_("保证程度"))
    standard = forms.CharField(
        max_length=100, initial="ISO 14067:2018; GB/T 24067-2024", label=_("核查依据")
    )
    statement = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), label=_("核查意见")
    )
