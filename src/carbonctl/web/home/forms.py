"""Query parameters of the home page and the large screen: the inventory year shown."""

from __future__ import annotations

from django import forms

from carbonctl.web.forms import YearField


class HomeQuery(forms.Form):
    """``year``: the inventory year of the headline figures (the dataset's latest when absent)."""

    year = YearField()
