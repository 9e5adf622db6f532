"""Forms and query parameters of the targets pages (workbench, target tree, assessment).

The workbench asks in the user's terms: the five-year plan by its name (the plan registry,
refdata five_year_plans.csv), the province target, the growth assumption and the bounds in %
("17" means 17 %), each checked with an error that says what to type. Cleaned values are
fractions, as the core and the stored proposal keep them. Django's FloatField refuses ``nan``
and ``inf``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carbonctl.budget.plans import plans
from carbonctl.web.forms import YearField, format_field
from carbonctl.web.labels import label


def _plan_choices() -> list[tuple[str, str]]:
    """Every plan of the registry, newest first, by its name in the active language."""
    return [(p.plan, label("plan", p.plan)) for p in reversed(plans())]


class PercentField(forms.FloatField):
    """A rate typed in % (``17`` means 17 %) strictly between ``low`` and ``high``, cleaned to a
    fraction (0.17). ``message`` says what to type when the value is out of range."""

    def __init__(self, *, low: float, high: float, message, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)
        self.low, self.high, self.message = low, high, message
        self.error_messages["invalid"] = message

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        if not self.low < number < self.high:
            raise ValidationError(self.message, code="range")
        return number / 100.0


def percent(value: float | None) -> str:
    """A fraction as the number a person types in a % field (0.17 -> "17", 0.055 -> "5.5")."""
    if value is None:
        return ""
    return f"{round(value * 100.0, 6):g}"


class WorkbenchForm(forms.Form):
    """The workbench's question: plan, province target (%), GDP growth assumption (%), optional
    floor and ceiling on each region's reduction (%), and ``format=xlsx``."""

    plan = forms.ChoiceField(label=_("五年规划"), required=False, choices=_plan_choices)
    target = PercentField(
        label=_("全省碳排放强度下降目标（%）"),
        low=0.0,
        high=100.0,
        message=_("请输入大于 0、小于 100 的百分数，例如 17 表示强度下降 17%。"),
    )
    growth = PercentField(
        label=_("规划期GDP年均增速（假设，%）"),
        low=-100.0,
        high=100.0,
        message=_("请输入 -100 到 100 之间的百分数，例如 5 表示每年增长 5%。"),
    )
    floor = PercentField(
        label=_("各市下降率下限（%，可不填）"),
        low=-100.0,
        high=100.0,
        message=_("请输入 -100 到 100 之间的百分数，例如 0 表示任何城市强度都不得上升。"),
    )
    ceiling = PercentField(
        label=_("各市下降率上限（%，可不填）"),
        low=-100.0,
        high=100.0,
        message=_("请输入 -100 到 100 之间的百分数，例如 25 表示任何城市下降不超过 25%。"),
    )
    format = format_field("xlsx")

    def clean(self):
        cleaned = super().clean()
        floor, ceiling = cleaned.get("floor"), cleaned.get("ceiling")
        if floor is not None and ceiling is not None and floor > ceiling:
            self.add_error("ceiling", _("上限不能低于下限。"))
        return cleaned


class ProposeForm(WorkbenchForm):
    """What the workbench posts to propose an allocation: the workbench's question and the
    method (a registry key; the drop-down shows its name)."""

    method = forms.CharField(max_length=30)


class TreeQuery(forms.Form):
    """The plan (its registry key, e.g. ``15th``) and the year whose schedule progress is
    shown."""

    plan = forms.CharField(required=False, max_length=50)
    year = YearField()


class AssessmentQuery(forms.Form):
    """The assessed year and ``format=xlsx`` or ``pdf``."""

    year = YearField()
    format = format_field("xlsx", "pdf")
