"""Query parameters of the electricity–carbon pages: region, sector, month, export format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carbonctl.web.forms import format_field
from carbonctl.web.regions.models import Region


class PageQuery(forms.Form):
    """``region`` (an adcode), ``sector`` (``ALL`` or a model sector), ``month`` (one the
    assessment has) and ``format=xlsx``; absent values take the page's defaults."""

    region = forms.RegexField(r"^\d{6}$", required=False)
    sector = forms.ChoiceField(required=False)
    month = forms.ChoiceField(required=False)
    format = format_field("xlsx")

    def __init__(self, data, *, sectors: Mapping[str, str], months: Sequence[str], everything):
        super().__init__(data)
        self.fields["sector"].choices = [(everything, everything), *sectors.items()]
        self.fields["month"].choices = [(m, m) for m in months]

    def clean_region(self) -> str:
        adcode = self.cleaned_data["region"]
        if adcode and not Region.objects.filter(adcode=adcode).exists():
            raise ValidationError(
                _("未知地区 (unknown region) %(adcode)s"), params={"adcode": adcode}
            )
        return adcode


class BulletinQuery(forms.Form):
    format = format_field("pdf")
