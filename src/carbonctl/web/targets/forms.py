"""Query parameters of the targets pages (workbench, target tree, assessment), for the views to
read through :func:`carbonctl.web.forms.query`. Absent values are None: the view (or the core
plan defaults) supplies them. Django's FloatField refuses ``nan`` and ``inf``."""

from __future__ import annotations

from django import forms

from carbonctl.web.forms import YearField, format_field


class WorkbenchQuery(forms.Form):
    """Province intensity target and GDP growth (fractions), base year, ``format=xlsx``."""

    target = forms.FloatField(required=False, min_value=0.0, max_value=1.0)
    # an annual growth rate: -100 % .. +100 % a year (beyond that the plan figures overflow)
    growth = forms.FloatField(required=False, min_value=-1.0, max_value=1.0)
    base_year = YearField()
    format = format_field("xlsx")


class ProposeForm(WorkbenchQuery):
    """What the workbench posts to propose an allocation: the method, the plan (``14th FYP``,
    as long as :attr:`Proposal.plan` holds) and the workbench's figures."""

    method = forms.CharField(max_length=30)
    plan = forms.CharField(required=False, max_length=20)


class TreeQuery(forms.Form):
    """The plan (e.g. ``14th FYP``) and the year whose schedule progress is shown."""

    plan = forms.CharField(required=False, max_length=50)
    year = YearField()


class AssessmentQuery(forms.Form):
    """The assessed year and ``format=xlsx`` or ``pdf``."""

    year = YearField()
    format = format_field("xlsx", "pdf")
