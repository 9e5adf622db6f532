"""The warning pages (预警): the warning centre with its filters and Excel export, one warning
with its inputs, rule version, history and lifecycle actions, the barometer map of the cities,
the rules (list, versions, the administrator's form) and the user's notifications.

Every page shows only :func:`carbonctl.web.warnings.services.warnings_for` of its user; a
warning outside it is answered 404 and written to the audit log as a denial, the same as a
role without the warning pages at all."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carbonctl import refdata
from carbonctl import warning as core
from carbonctl.display import format_quantity
from carbonctl.errors import RefdataError
from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.permissions import (
    aggregate_level,
    can_act_on_warnings,
    can_manage_rules,
    can_view_warnings,
    sees_whole_province,
)
from carbonctl.web.accounts.scope import regions_for, require_aggregates
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import public_message, query
from carbonctl.web.labels import label as label_of
from carbonctl.web.labels import status_text
from carbonctl.web.regions.models import Region
from carbonctl.web.warnings import labels, services
from carbonctl.web.warnings.forms import (
    ActionForm,
    BarometerQuery,
    CentreQuery,
    KindQuery,
    PageQuery,
    RuleForm,
)
from carbonctl.web.warnings.models import Notification, Warning, WarningRule

#: Warnings per page of the centre and notifications per page of the inbox.
PER_PAGE = 50

_SEVERITY = Case(
    When(level=Warning.Level.RED, then=Value(2)),
    When(level=Warning.Level.YELLOW, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def _may_view(request) -> None:
    if not can_view_warnings(request.user):
        record_denial(request, "warnings.Warning", "", "role without warnings")
        raise Http404


def _warning_or_404(request, warning_id: int) -> Warning:
    """The warning if it is among the user's (404 otherwise; a denial in the audit log when it
    exists, as for any object outside the scope)."""
    _may_view(request)
    found = services.warnings_for(request.user).filter(pk=warning_id).first()
    if found is None:
        if Warning.objects.filter(pk=warning_id).exists():
            record_denial(request, "warnings.Warning", str(warning_id), "outside the user's scope")
        raise Http404
    return found


def _latest_rules() -> list[WarningRule]:
    """The latest version of every stored rule (active or not), by rule id."""
    latest: dict[str, WarningRule] = {}
    for stored in WarningRule.objects.select_related("created_by").order_by("rule_id", "-version"):
        latest.setdefault(stored.rule_id, stored)
    return list(latest.values())


def _region_choices(user) -> list[tuple[str, str]]:
    return [("", "")] + [(r.adcode, r.name) for r in regions_for(user)]


def _handled(w: Warning) -> tuple[object, datetime | None]:
    """Who last acted on a warning and when (resolved, else acknowledged)."""
    if w.status == Warning.Status.RESOLVED and w.resolved_at:
        return w.resolved_by, w.resolved_at
    if w.acknowledged_at:
        return w.acknowledged_by, w.acknowledged_at
    return None, None


def _filtered(request, user) -> tuple[QuerySet[Warning], dict, CentreQuery]:
    rules = [("", "")] + [(r.rule_id, r.name_zh) for r in _latest_rules()]
    params = query(request, CentreQuery, rules=rules, regions=_region_choices(user))
    rows = services.warnings_for(user).select_related(
        "rule", "region", "acknowledged_by", "resolved_by"
    )
    if params["level"]:
        rows = rows.filter(level=params["level"])
    if params["rule"]:
        rows = rows.filter(rule_id_text=params["rule"])
    if params["region"]:
        rows = rows.filter(Q(region_id=params["region"]) | Q(region__parent_id=params["region"]))
    if params["status"]:
        rows = rows.filter(status=params["status"])
    if params["period"]:
        rows = rows.filter(period=params["period"])
    rows = rows.annotate(severity=_SEVERITY)
    if params["sort"] == "period":
        rows = rows.order_by("-period", "-severity", "subject", "pk")
    else:
        rows = rows.order_by("-severity", "-period", "subject", "pk")
    return rows, params, rules


def _headline(user) -> dict[str, int]:
    visible = services.warnings_for(user)
    today = timezone.localdate()
    first = timezone.make_aware(datetime(today.year, today.month, 1))
    opened = visible.filter(status=Warning.Status.OPEN)
    return {
        "open_red": opened.filter(level=Warning.Level.RED).count(),
        "open_yellow": opened.filter(level=Warning.Level.YELLOW).count(),
        "acknowledged": visible.filter(status=Warning.Status.ACKNOWLEDGED).count(),
        "resolved_month": visible.filter(
            status=Warning.Status.RESOLVED, resolved_at__gte=first
        ).count(),
    }


EXPORT_HEADER = [
    "等级 level",
    "对象 subject",
    "代码 code",
    "对象类型 kind",
    "期间 period",
    "规则 rule",
    "规则版本 version",
    "指标值 value",
    "阈值 threshold",
    "说明 message",
    "建议措施 measure",
    "状态 status",
    "处理人 handled by",
    "处理时间 handled at",
    "处理说明 note",
]


def _export_rows(rows: QuerySet[Warning]):
    for w in rows.iterator(chunk_size=500):
        who, when = _handled(w)
        yield [
            w.get_level_display(),
            w.subject_name,
            w.subject,
            w.get_subject_kind_display(),
            w.period,
            w.rule.name_zh,
            w.rule.version,
            w.value,
            w.threshold,
            w.message,
            w.measure,
            w.get_status_display(),
            who.get_username() if who else "",
            timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
            w.note,
        ]


@login_required
def centre(request):
    """The warning centre (预警中心): headline figures, filters, the warnings (50 a page) and
    their Excel export with the same filters."""
    _may_view(request)
    user = request.user
    rows, params, rules = _filtered(request, user)
    if params["format"] == "xlsx":
        return xlsx_response("warnings.xlsx", "预警 warnings", EXPORT_HEADER, _export_rows(rows))
    paginator = Paginator(rows, PER_PAGE)
    number = min(params["page"] or 1, max(paginator.num_pages, 1))
    page = paginator.page(number)
    for w in page:
        w.handled_by, w.handled_at = _handled(w)
    filters = {k: params[k] for k in ("level", "rule", "region", "status", "period", "sort")}
    chosen = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "warnings/centre.html",
        {
            "headline": _headline(user),
            "page": page,
            "filters": filters,
            "chosen": chosen,
            "levels": Warning.Level.choices,
            "statuses": Warning.Status.choices,
            "rules": rules[1:],
            "regions": _region_choices(user)[1:],
            "any": services.warnings_for(user).exists(),
            "unread": services.unread_for(user).count(),
        },
    )


def _details(w: Warning) -> list[dict]:
    """A warning's inputs (details) as labelled rows."""
    out = []
    for key, value in (w.details or {}).items():
        if key == "subject_kind":  # shown as the subject's kind (对象类型) above
            continue
        label, unit = labels.DETAILS.get(key, (key, ""))
        if key == "findings" and isinstance(value, list):
            shown = "；".join(str(labels.FINDINGS.get(v, v)) for v in value)
        elif unit and isinstance(value, int | float) and not isinstance(value, bool):
            shown = format_quantity(float(value), unit, 2 if unit == "%" else None)
        elif isinstance(value, float):
            shown = f"{value:.4g}"
        elif value is None or value == "":
            shown = "–"
        elif key in labels.DETAIL_KINDS:
            shown = label_of(labels.DETAIL_KINDS[key], value)
        elif key.endswith("status"):
            shown = status_text(value)
        else:
            shown = str(value)
        out.append({"label": str(label), "value": shown, "number": isinstance(value, int | float)})
    return out


_ACTIONS = {
    "acknowledge": gettext_lazy("确认"),
    "resolve": gettext_lazy("解除"),
    "reopen": gettext_lazy("重新打开"),
    "warning": gettext_lazy("预警产生"),
}


def _history(w: Warning) -> list[dict]:
    """The warning's lifecycle from the audit log: raised, each run's update, each action."""
    entries = AuditEntry.objects.filter(object_type="warnings.Warning", object_id=str(w.pk))
    statuses = dict(Warning.Status.choices)
    levels = dict(Warning.Level.choices)
    out = []
    for entry in entries.order_by("at", "id"):
        after = entry.after or {}
        what = _ACTIONS.get(entry.summary)
        if what is None:
            what = (
                _ACTIONS["warning"] if entry.action == AuditEntry.Action.CREATE else _("评估更新")
            )
        out.append(
            {
                "at": entry.at,
                "who": entry.username or _("系统（定期评估）"),
                "what": str(what),
                "status": statuses.get(after.get("status"), ""),
                "level": levels.get(after.get("level"), ""),
            }
        )
    return out


def _actions_for(w: Warning) -> list[tuple[str, str]]:
    if w.status == Warning.Status.OPEN:
        return [("acknowledge", _("确认")), ("resolve", _("解除"))]
    if w.status == Warning.Status.ACKNOWLEDGED:
        return [("resolve", _("解除"))]
    return [("reopen", _("重新打开"))]


def _is_fraction_rule(w: Warning) -> bool:
    return w.rule.kind == "barometer"


def _detail_context(request, w: Warning, error: str = "") -> dict:
    stored = w.rule
    newer = (
        WarningRule.objects.filter(rule_id=stored.rule_id, version__gt=stored.version)
        .order_by("-version")
        .first()
    )
    fraction = _is_fraction_rule(w)
    return {
        "warning": w,
        "value": format_quantity(w.value, "%", 2) if fraction else f"{w.value:.4g}",
        "threshold": format_quantity(w.threshold, "%", 2) if fraction else f"{w.threshold:.4g}",
        "fraction": fraction,
        "details": _details(w),
        "rule": stored,
        "rule_kind": labels.kind_label(stored.kind),
        "rule_status": labels.source_status(stored.status),
        "rule_note": (stored.record or {}).get("note", ""),
        "newer": newer,
        "history": _history(w),
        "handled": _handled(w),
        "actions": _actions_for(w) if can_act_on_warnings(request.user) else [],
        "error": error,
    }


@login_required
def detail(request, warning_id: int):
    """One warning (预警详情); opening it marks the user's notification of it read."""
    w = _warning_or_404(request, warning_id)
    Notification.objects.filter(user=request.user, warning=w, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(request, "warnings/detail.html", _detail_context(request, w))


@login_required
@require_POST
def act(request, warning_id: int):
    """Acknowledge (确认), resolve (解除) or reopen (重新打开) a warning with a note."""
    w = _warning_or_404(request, warning_id)
    if not can_act_on_warnings(request.user):
        record_denial(request, "warnings.Warning", str(warning_id), "role may not act on warnings")
        raise PermissionDenied
    asked = query(request, ActionForm, request.POST)
    try:
        services.act(request.user, w, asked["action"], asked["note"])
    except services.LifecycleError as exc:
        w.refresh_from_db()
        context = _detail_context(request, w, error=public_message(exc))
        return render(request, "warnings/detail.html", context, status=409)
    return redirect("warnings:detail", w.pk)


# --- the barometer map ------------------------------------------------------------------------


def _barometer_periods() -> list[str]:
    barometers = [s.rule_id for s, _r in services.current_rules(kinds={"barometer"})]
    return sorted(
        set(
            Warning.objects.filter(rule_id_text__in=barometers)
            .values_list("period", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def _grade_row(region: Region, grade: dict | None) -> dict:
    level = grade["level"] if grade else ""
    return {
        "adcode": region.adcode,
        "name": region.name,
        "level": level,
        "level_label": str(dict(Warning.Level.choices).get(level, _("未评级"))),
        "achieved": format_quantity(grade["value"], "%", 2) if grade else "–",
        "required": format_quantity(grade["threshold"], "%", 2) if grade else "–",
        "message": grade["message"] if grade else "",
    }


@login_required
def barometer(request):
    """The carbon barometer (碳排放晴雨表): province roles see the map of every city coloured by
    its latest grade; a city or county official sees the grades of their own regions (a table,
    never another city's)."""
    require_aggregates(request, AggregateLevel.OWN_REGION, "warnings.barometer")
    periods = _barometer_periods()
    params = query(request, BarometerQuery, periods=periods)
    period = params["period"] or (periods[0] if periods else None)
    grades = services.level_of_regions(period) if period else {}
    province = aggregate_level(request.user) >= AggregateLevel.PROVINCE
    if province:
        shown = Region.objects.filter(level=Region.Level.CITY)
    else:
        shown = regions_for(request.user)
    rows = [_grade_row(r, grades.get(r.adcode)) for r in shown]
    counts = {level: sum(1 for r in rows if r["level"] == level) for level in Warning.Level}
    counts["none"] = sum(1 for r in rows if not r["level"])
    top = None
    if province:
        top_region = Region.objects.filter(level=Region.Level.PROVINCE).first()
        if top_region is not None and top_region.adcode in grades:
            top = _grade_row(top_region, grades[top_region.adcode])
    return render(
        request,
        "warnings/barometer.html",
        {
            "period": period,
            "periods": periods,
            "rows": rows,
            "counts": counts,
            "province": province,
            "top": top,
            "chart": {"cities": rows, "period": period} if province and periods else None,
        },
    )


# --- rules ----------------------------------------------------------------------------------


def _rules_allowed(request, allowed=sees_whole_province) -> None:
    if not allowed(request.user):
        record_denial(request, "warnings.WarningRule", "", "province roles only")
        raise Http404


@login_required
def rules(request):
    """The current rules (预警规则): the latest version of each, with its key parameters, the
    status and source of its basis."""
    _rules_allowed(request)
    shown = []
    for stored in _latest_rules():
        record = stored.record or {}
        shown.append(
            {
                "stored": stored,
                "kind": labels.kind_label(stored.kind),
                "parameters": [
                    (labels.cell_label(k), v) for k, v in labels.parameters(record).items()
                ],
                "status": labels.source_status(stored.status),
            }
        )
    return render(
        request,
        "warnings/rules.html",
        {"rules": shown, "can_manage": can_manage_rules(request.user)},
    )


def _rule_versions(rule_id: str) -> list[WarningRule]:
    return list(
        WarningRule.objects.filter(rule_id=rule_id)
        .select_related("created_by")
        .order_by("-version")
    )


def _changes(versions: list[WarningRule]) -> list[dict]:
    """Each version with the cells it changed from the one before."""
    out = []
    for index, stored in enumerate(versions):
        before = versions[index + 1].record if index + 1 < len(versions) else None
        record = stored.record or {}
        changed = []
        if before is not None:
            for key in dict.fromkeys([*before, *record]):
                if str(before.get(key, "")) != str(record.get(key, "")):
                    changed.append(
                        {
                            "label": labels.cell_label(key),
                            "key": key,
                            "before": before.get(key, ""),
                            "after": record.get(key, ""),
                        }
                    )
        out.append(
            {"stored": stored, "changed": changed, "status": labels.source_status(stored.status)}
        )
    return out


@login_required
def rule_history(request, rule_id: str):
    """The versions of one rule (规则版本), newest first, with what each changed."""
    _rules_allowed(request)
    versions = _rule_versions(rule_id)
    if not versions:
        raise Http404
    return render(
        request,
        "warnings/rule_history.html",
        {
            "rule": versions[0],
            "kind": labels.kind_label(versions[0].kind),
            "versions": _changes(versions),
            "can_manage": can_manage_rules(request.user),
        },
    )


def _save(request, form: RuleForm, template: str, context: dict):
    """Save the form's rule as a new version; a core refusal is shown next to its field."""
    if form.is_valid():
        try:
            made = services.save_rule_version(
                request.user,
                form.cells(),
                active=form.cleaned_data["active"],
                note=form.cleaned_data["change_note"],
            )
        except RefdataError as exc:
            message = public_message(exc)
            form.add_error(form.field_named_by(message), message)
        else:
            return redirect("warnings:rule", made.rule_id)
    return render(request, template, {**context, "form": form}, status=400)


@login_required
def rule_edit(request, rule_id: str):
    """The administrator edits a rule: every cell of its record; saving adds a version."""
    _rules_allowed(request, can_manage_rules)
    versions = _rule_versions(rule_id)
    if not versions:
        raise Http404
    latest = versions[0]
    cells = {str(k): "" if v is None else str(v) for k, v in (latest.record or {}).items()}
    context = {
        "rule": latest,
        "kind": labels.kind_label(latest.kind),
        "versions": _changes(versions),
        "new": False,
        "action": reverse("warnings:rule-edit", args=[rule_id]),
    }
    if request.method == "POST":
        form = RuleForm(request.POST, cells=cells, new=False, initial_active=latest.active)
        return _save(request, form, "warnings/rule_form.html", context)
    form = RuleForm(cells=cells, new=False, initial_active=latest.active)
    return render(request, "warnings/rule_form.html", {**context, "form": form})


def _packaged_record(kind: str) -> dict[str, str]:
    """The first packaged rule of ``kind`` as a template for a new one (rule id blank)."""
    table = refdata.load_table(core.KINDS[kind].table)
    first = table.to_dict("records")[0]
    cells = {str(k): "" if v is None or v != v else str(v) for k, v in first.items()}
    cells["rule_id"] = ""
    return cells


@login_required
def rule_new(request):
    """The administrator adds a rule: choose a kind, then its cells (prefilled from the
    packaged rule of that kind)."""
    _rules_allowed(request, can_manage_rules)
    kinds = list(core.KINDS)
    source = request.POST if request.method == "POST" else request.GET
    chosen = query(request, KindQuery, {"kind": source.get("kind", "")}, kinds=kinds)["kind"]
    context = {
        "new": True,
        "kinds": [(k, labels.kind_label(k)) for k in kinds],
        "kind": labels.kind_label(chosen) if chosen else "",
        "kind_code": chosen,
        "action": reverse("warnings:rule-new"),
    }
    if not chosen:
        return render(request, "warnings/rule_form.html", {**context, "form": None})
    cells = _packaged_record(chosen)
    taken = {"new", *WarningRule.objects.values_list("rule_id", flat=True)}
    if request.method == "POST":
        form = RuleForm(request.POST, cells=cells, new=True, taken=taken)
        return _save(request, form, "warnings/rule_form.html", context)
    form = RuleForm(cells=cells, new=True, taken=taken)
    return render(request, "warnings/rule_form.html", {**context, "form": form})


# --- notifications ----------------------------------------------------------------------------


@login_required
def inbox(request):
    """The user's notifications (预警通知) of warnings in scope, unread first marked."""
    _may_view(request)
    visible = services.warnings_for(request.user).values("pk")
    notes = (
        Notification.objects.filter(user=request.user, warning__in=visible)
        .select_related("warning", "warning__rule")
        .order_by("read_at", "-created_at", "-id")
    )
    paginator = Paginator(notes, PER_PAGE)
    chosen = query(request, PageQuery, pages=paginator.num_pages)
    page = paginator.page(chosen["page"] or 1)
    return render(
        request,
        "warnings/inbox.html",
        {"page": page, "unread": services.unread_for(request.user).count()},
    )


@login_required
@require_POST
def inbox_read(request):
    """Mark every notification of the user read."""
    _may_view(request)
    services.unread_for(request.user).update(read_at=timezone.now())
    return redirect("warnings:inbox")
