"""Query parameters of the inventory pages (a year, a drill-down cell, an export)."""

from __future__ import annotations

from django import forms

from carbonctl.web.forms import YearField, format_field


class YearQuery(forms.Form):
    """``year`` (the dataset's latest when absent) and ``format=xlsx``."""

    year = YearField()
    format = format_field("xlsx")


class CellsQuery(YearQuery):
    """A sector × fuel figure to drill into (CEADs sector and fuel names)."""

    sector = forms.CharField(required=False, max_length=200)
    fuel = forms.CharField(required=False, max_length=200)


class PublishForm(forms.Form):
    """The year to publish (the dataset's latest when absent)."""

    year = YearField()
