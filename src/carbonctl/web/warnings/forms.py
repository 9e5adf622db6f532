"""Query parameters and forms of the warning pages: the warning centre's filters, a lifecycle
action, the barometer's period, and the rule form (every cell of a rule record as a field)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from carbonctl.web.forms import format_field
from carbonctl.web.warnings import labels
from carbonctl.web.warnings.models import Warning

#: A period as warnings name it: a year (2026) or a month (2026-06).
PERIOD = r"^\d{4}(-(0[1-9]|1[0-2]))?$"
#: A new rule's id: lower-case letters, digits and underscores, starting with a letter.
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{2,59}$")
#: Longest text a cell of a rule may hold.
CELL_LENGTH = 2000


class CentreQuery(forms.Form):
    """Filters of the warning centre (all optional): level, rule, region (one the user may see),
    status, period; the sort, the page and ``format=xlsx``."""

    level = forms.ChoiceField(required=False, choices=Warning.Level.choices)
    rule = forms.ChoiceField(required=False)
    region = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=Warning.Status.choices)
    period = forms.RegexField(PERIOD, required=False)
    sort = forms.ChoiceField(required=False, choices=[("level", _("等级")), ("period", _("期间"))])
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)
    format = format_field("xlsx")

    def __init__(
        self, data, *, rules: Iterable[tuple[str, str]], regions: Iterable[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        self.fields["rule"].choices = list(rules)
        self.fields["region"].choices = list(regions)


class PageQuery(forms.Form):
    """``page`` (1 … the last page)."""

    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, pages: int) -> None:
        super().__init__(data)
        self.fields["page"].validators.append(MaxValueValidator(max(pages, 1)))


class ActionForm(forms.Form):
    """A lifecycle step on a warning, with an optional note (处理说明)."""

    action = forms.ChoiceField(
        choices=[
            ("acknowledge", _("确认")),
            ("resolve", _("解除")),
            ("reopen", _("重新打开")),
        ]
    )
    note = forms.CharField(required=False, max_length=CELL_LENGTH)


class BarometerQuery(forms.Form):
    """``period``: one of the years with barometer grades."""

    period = forms.ChoiceField(required=False)

    def __init__(self, data, *, periods: Sequence[str]) -> None:
        super().__init__(data)
        self.fields["period"].choices = [(p, p) for p in periods]


class KindQuery(forms.Form):
    """The kind of a new rule (one the engine knows)."""

    kind = forms.ChoiceField(required=False)

    def __init__(self, data, *, kinds: Iterable[str]) -> None:
        super().__init__(data)
        self.fields["kind"].choices = [(k, labels.kind_label(k)) for k in kinds]


class RuleForm(forms.Form):
    """Every cell of a rule record as a field, in the record's order, plus ``active`` and the
    change note. ``kind`` is fixed (a rule keeps its kind); ``rule_id`` is fixed when editing
    and asked (and checked to be new) when adding. The core checks the rest when saving."""

    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    change_note = forms.CharField(
        label=_("修改说明"),
        max_length=CELL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )

    def __init__(
        self,
        data=None,
        *,
        cells: Mapping[str, str],
        new: bool,
        taken: Iterable[str] = (),
        initial_active: bool = True,
    ) -> None:
        initial = {**cells, "active": initial_active}
        super().__init__(data, initial=initial)
        self.new = new
        self.taken = set(taken)
        self.kind = str(cells.get("kind", ""))
        self.cell_names = [k for k in cells if k != "kind"]
        if "rule_id" not in self.cell_names:
            self.cell_names.insert(0, "rule_id")
        meta = {"active": self.fields.pop("active"), "change_note": self.fields.pop("change_note")}
        for key in self.cell_names:
            long = labels.is_long_text(key)
            self.fields[key] = forms.CharField(
                label=labels.cell_label(key),
                required=key in ("rule_id", "name_zh", "status", "source"),
                max_length=CELL_LENGTH,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 90})
                if long
                else forms.TextInput(attrs={"size": 60}),
                disabled=key == "rule_id" and not new,
            )
        self.fields.update(meta)

    def clean_rule_id(self) -> str:
        rule_id = self.cleaned_data["rule_id"]
        if not self.new:
            return self.initial["rule_id"]
        if not RULE_ID.match(rule_id):
            raise forms.ValidationError(
                _("规则编号只能用小写字母、数字和下划线，以字母开头，3–60 个字符")
            )
        if rule_id in self.taken:
            raise forms.ValidationError(
                _("规则编号 %(rule_id)s 已存在；修改已有规则请用其编辑页面"),
                params={"rule_id": rule_id},
            )
        return rule_id

    def cells(self) -> dict[str, str]:
        """The record to save: the cells as entered, with the fixed kind."""
        out = {"rule_id": self.cleaned_data["rule_id"], "kind": self.kind}
        for key in self.cell_names:
            if key != "rule_id":
                out[key] = self.cleaned_data.get(key, "")
        return out

    def cell_fields(self):
        return [self[key] for key in self.cell_names]

    def field_named_by(self, message: str) -> str | None:
        """The field a core message (:class:`~carbonctl.errors.RefdataError`) is about: a
        template quoted in it, else a cell named in it, else the finding or level it names."""
        values = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for key in self.cell_names:
            text = str(values.get(key, "") or "")
            if labels.is_long_text(key) and len(text) >= 4 and repr(text) in message:
                return key
        named = [
            key
            for key in self.cell_names
            if key != "rule_id" and re.search(rf"(?<![\w{{]){re.escape(key)}(?![\w}}])", message)
        ]
        if named:
            return max(named, key=len)
        finding = re.search(r"explanation for finding '(\w+)'", message)
        if finding and f"explanation_{finding.group(1)}" in self.fields:
            return f"explanation_{finding.group(1)}"
        level = re.search(r"no measure for (\w+)", message)
        if level and f"measure_{level.group(1)}" in self.fields:
            return f"measure_{level.group(1)}"
        if "source and a status" in message:
            return "source"
        return None
