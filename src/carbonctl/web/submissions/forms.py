"""The upload form, limited to what the user may submit for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonctl import refdata
from carbonctl.web.accounts.scope import enterprises_for, regions_for, submissions_for
from carbonctl.web.submissions.models import Submission


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件 (Excel/CSV)"))
    region = forms.ModelChoiceField(queryset=None, required=False, label=_("地区"))
    enterprise = forms.ModelChoiceField(queryset=None, required=False, label=_("企业"))
    supersedes = forms.ModelChoiceField(queryset=None, required=False, label=_("更正的已通过版本"))
    factor_set = forms.ChoiceField(label=_("排放因子集"))
    grid_basis = forms.ChoiceField(
        label=_("电网因子口径"),
        choices=[("provincial", _("省级")), ("national", _("全国")), ("ets", _("碳市场"))],
    )
    sheet = forms.CharField(required=False, label=_("工作表"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        self.fields["enterprise"].queryset = enterprises_for(user)
        self.fields["enterprise"].label_from_instance = lambda enterprise: enterprise.name
        self.fields["supersedes"].queryset = submissions_for(user).filter(
            status=Submission.Status.APPROVED
        )
        self.fields["factor_set"].choices = [(s, s) for s in refdata.factor_set_ids()]

    def clean(self):
        data = super().clean()
        if not data.get("region") and not data.get("enterprise"):
            raise forms.ValidationError(_("请选择地区或企业"))
        return data
