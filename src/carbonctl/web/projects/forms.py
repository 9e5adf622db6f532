"""Forms of the project pages: the list's filters, the upload of a project file, the reviewer's
opinion and the acceptance check. Bad query parameters are a 400 naming them
(:func:`carbonctl.web.forms.query`); errors of the workflow are shown beside their fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonctl.web.forms import YearField
from carbonctl.web.projects.models import Opinion, Project

#: Largest project file accepted (a project file is a few kB; the template about 20 kB).
MAX_FILE_BYTES = 5 * 2**20
SUFFIXES = (".json", ".xlsx")


class ListQuery(forms.Form):
    """``status``, ``city`` (adcode), ``level`` (review level) and ``page``."""

    status = forms.ChoiceField(choices=[("", ""), *Project.Status.choices], required=False)
    city = forms.RegexField(r"^\d{6}$", required=False)
    level = forms.ChoiceField(choices=[("", ""), *Project.Level.choices], required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class FilingForm(forms.Form):
    """A project file: JSON or the Excel template (下载模板)."""

    file = forms.FileField(label=_("项目申报文件（JSON 或 Excel 模板）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(SUFFIXES):
            raise forms.ValidationError(_("请上传 .json 或 .xlsx 文件（申报模板）。"))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大：项目申报文件不超过 5 MB。"))
        return upload


class OpinionForm(forms.Form):
    """The reviewer's decision with its reasons, and the conditions of a conditional approval."""

    outcome = forms.ChoiceField(
        label=_("审查结论"), choices=Opinion.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("审查意见与理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    conditions = forms.CharField(
        label=_("须落实的条件（有条件同意时必填）"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptanceForm(forms.Form):
    """Actual annual CO2 (万吨) and energy (吨标准煤) of a project in operation."""

    year = YearField(label=_("核查年份"), required=True, min_value=2000, max_value=2100)
    actual_co2_wan_t = forms.FloatField(
        label=_("实际年排放（万吨二氧化碳）"), min_value=0, max_value=1e6
    )
    actual_energy_tce = forms.FloatField(
        label=_("实际年综合能源消费量（吨标准煤，当量值）"),
        min_value=0,
        max_value=1e9,
        required=False,
    )
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("撤回说明"), max_length=2000, required=False)
