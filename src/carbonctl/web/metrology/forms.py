"""Forms of the metrology pages: the page's filter and the upload of a meter register."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Largest register accepted (a register of a thousand meters is about 100 kB).
MAX_FILE_BYTES = 5 * 2**20
SUFFIXES = (".csv", ".xlsx")


class PageQuery(forms.Form):
    """``city`` (adcode) of the page's filter."""

    city = forms.RegexField(r"^\d{6}$", required=False)


class ImportForm(forms.Form):
    """A meter register: CSV or XLSX with the columns of the template."""

    file = forms.FileField(label=_("计量器具台账文件（CSV 或 Excel）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("请上传 .csv 或 .xlsx 文件（计量器具台账模板）。"))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大：计量器具台账不超过 5 MB。"))
        return upload
