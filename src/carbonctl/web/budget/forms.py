"""Query parameters and the adjustment form of the budget pages (碳排放预算). A bad parameter is a
400 naming it (:func:`carbonctl.web.forms.query`); amounts are typed in 万吨 (10^4 tCO2) and
converted by :mod:`carbonctl.units`, never by multiplying by hand."""

from __future__ import annotations

import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carbonctl.budget import ADJUSTABLE, AdjustmentReason, to_tco2
from carbonctl.web.budget.models import LedgerEntry
from carbonctl.web.forms import YearField, format_field

#: The unit adjustments are typed in (万吨二氧化碳), as :mod:`carbonctl.units` spells it.
INPUT_UNIT = "万tCO2"
#: Bounds of a year on the budget pages: the plans the ledger knows lie well inside them.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(**kwargs) -> YearField:
    return YearField(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class OverviewQuery(forms.Form):
    """``year``, the city whose counties the table lists (``city``, an adcode) and
    ``format=xlsx``."""

    year = _year()
    city = forms.RegexField(r"^\d{6}$", required=False)
    format = format_field("xlsx")


class RegionQuery(forms.Form):
    """``year`` and ``as_of`` (a date: the ledger replayed to the end of that day)."""

    year = _year()
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class ReportQuery(forms.Form):
    """The month of the situation report (形势分析): ``year``, ``month`` (1–12), ``format=pdf``."""

    year = _year()
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    format = format_field("pdf")


class DecisionForm(forms.Form):
    """Approve (批准) or return (退回) an adjustment request, with an optional note."""

    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("return", _("退回"))])
    note = forms.CharField(required=False, max_length=2000)


#: Components an adjustment may change, with their labels (the core's ADJUSTABLE says which
#: reason may change which).
COMPONENT_CHOICES = [
    (kind, label) for kind, label in LedgerEntry.Kind.choices if kind != LedgerEntry.Kind.ADJUSTMENT
]


class AdjustmentForm(forms.Form):
    """A request to adjust one component of a region's budget (预算调整申请): reason, the
    component (blank: the reason's usual one), the signed amount in 万吨, the year and why.

    The core checks the entry again when the request is stored (its
    :class:`~carbonctl.budget.LedgerEntryError` names the field, shown beside it)."""

    reason_code = forms.ChoiceField(label=_("调整原因"), choices=LedgerEntry.Reason.choices)
    adjusts = forms.ChoiceField(
        label=_("调整项"),
        required=False,
        choices=[("", _("按调整原因默认")), *COMPONENT_CHOICES],
    )
    amount = forms.FloatField(
        label=_("调整量（万吨，减少为负）"),
        help_text=_("例如 -12.5 表示调减 12.5 万吨。"),
    )
    year = _year(label=_("年份"), required=True)
    reason = forms.CharField(
        label=_("说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_amount(self) -> float:
        amount = self.cleaned_data["amount"]
        if not math.isfinite(amount) or amount == 0:
            raise ValidationError(_("请填写一个不为零的有限数值。"))
        return amount

    def clean(self):
        data = super().clean()
        code, component = data.get("reason_code"), data.get("adjusts")
        if code and component:
            allowed = [k.value for k in ADJUSTABLE[AdjustmentReason(code)]]
            if component not in allowed:
                labels = dict(COMPONENT_CHOICES)
                self.add_error(
                    "adjusts",
                    _("该调整原因只能调整：%(allowed)s")
                    % {"allowed": " / ".join(str(labels[k]) for k in allowed)},
                )
        return data

    def amount_tco2(self) -> float:
        """The cleaned amount in tCO2 (:func:`carbonctl.budget.to_tco2`)."""
        return to_tco2(self.cleaned_data["amount"], INPUT_UNIT)


#: The form fields that show a core error naming each entry field.
FIELD_OF_COLUMN = {
    "amount_tco2": "amount",
    "reason": "reason",
    "reason_code": "reason_code",
    "adjusts": "adjusts",
    "year": "year",
}
