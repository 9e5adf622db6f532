"""The platform's warning runs: packaged rules stored as versions, the barometer's table built
from inventories and (for the year in progress) the year-to-date change, publishing with
notifications to the users in scope and e-mail, reruns that update instead of repeating, the
lifecycle, the scope of warnings, a rule added by the administrator firing on the next run,
and ``carbonctl warn --year``."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from typer.testing import CliRunner

from carbonctl.cli import app
from carbonctl.errors import RefdataError
from carbonctl.warning import load_rules
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.inventories.models import RegionTotal
from carbonctl.web.warnings import services
from carbonctl.web.warnings.models import Notification, Warning, WarningRule

from .conftest import CONTROL_EMISSIONS, CONTROL_GDP

pytestmark = pytest.mark.django_db

BAROMETER = "carbon_barometer"


@pytest.fixture
def users(control_world):
    users = control_world["users"]
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    return users


def barometer(found, subject):
    return next(
        f.warning for f in found if f.warning.rule == BAROMETER and f.warning.subject == subject
    )


def test_packaged_rules_are_stored_once_as_version_1(db):
    assert services.ensure_rules() == len(load_rules())
    assert services.ensure_rules() == 0
    stored = WarningRule.objects.get(rule_id=BAROMETER)
    assert stored.version == 1 and "DESIGN PROPOSAL" in stored.status
    assert {s.rule_id for s, _ in services.current_rules()} == {r.rule_id for r in load_rules()}


def test_the_barometer_table_uses_the_inventory_and_chains_the_year_to_date(users):
    complete = services.barometer_table(services.Context(2021, None, None)).set_index("region")
    gdp = lambda a, y: CONTROL_GDP[a] * 1.05 ** (y - 2020)  # noqa: E731
    intensity = lambda a, y: CONTROL_EMISSIONS[a][y] / gdp(a, y)  # noqa: E731
    assert complete.loc["140200", "intensity"] == pytest.approx(intensity("140200", 2021))
    assert complete.loc["140200", "intensity_base"] == pytest.approx(intensity("140200", 2020))
    assert complete.loc["140200", "target"] == pytest.approx(0.18)  # the 14th plan's
    # 2023 has monthly data only (January–June, 4 % above the same months of 2022)
    running = services.barometer_table(services.Context(2023, None, None)).set_index("region")
    expected = intensity("140100", 2022) * 1.04 / 1.05
    assert running.loc["140100", "intensity"] == pytest.approx(expected)
    assert running.loc["140100", "intensity_previous"] == pytest.approx(intensity("140100", 2022))
    # up to March only: the same growth (every month is 4 % up)
    march = services.barometer_table(services.Context(2023, 3, None)).set_index("region")
    assert march.loc["140100", "intensity"] == pytest.approx(expected)


def test_publish_stores_the_warnings_and_notifies_the_users_in_scope(
    users, django_capture_on_commit_callbacks
):
    found = services.evaluate(2021)
    assert barometer(found, "140200").level.value == "red"  # intensity rose
    assert barometer(found, "140100").level.value == "yellow"
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out after the commit
        run = services.publish(found, year=2021, month=None, user=users[Role.PROVINCE_ADMIN])
    stored = {w.subject: w for w in Warning.objects.filter(rule_id_text=BAROMETER)}
    assert stored["140200"].status == Warning.Status.OPEN
    assert stored["140200"].region_id == "140200" and stored["140200"].subject_name == "大同市"
    assert "暂停" in stored["140200"].measure and stored["140200"].rule.version == 1
    assert run.counts["red"] >= 1 and run.counts["new_or_worse"] >= 2

    def noted(role):
        return {n.warning.subject for n in Notification.objects.filter(user=users[role])}

    assert noted(Role.PROVINCE_ADMIN) >= {"140100", "140200", "140105"}
    assert noted(Role.CITY_OFFICIAL) == {"140100", "140105"}  # Taiyuan and its county
    assert noted(Role.COUNTY_OFFICIAL) == {"140105"}
    assert noted(Role.PUBLIC) == set() and noted(Role.ENTERPRISE_REPORTER) == set()
    inbox = {m.to[0]: m for m in mail.outbox}
    assert "大同市" not in inbox["taiyuan@example.org"].body
    assert "太原市" in inbox["taiyuan@example.org"].body
    assert "citizen@example.org" not in inbox


def test_a_rerun_updates_instead_of_repeating_and_an_improvement_resolves(
    users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(services.evaluate(2021), year=2021, month=None)
    count = Warning.objects.count()
    assert mail.outbox
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(services.evaluate(2021), year=2021, month=None)
    assert Warning.objects.count() == count
    assert not mail.outbox  # nothing new or worse
    # a statistics revision: Datong's 2021 emissions well below the path
    RegionTotal.objects.filter(region_id="140200", year=2021).update(tco2=45e6)
    services.publish(services.evaluate(2021), year=2021, month=None)
    datong = Warning.objects.get(rule_id_text=BAROMETER, subject="140200")
    assert datong.level == "green" and datong.status == Warning.Status.RESOLVED
    assert "自动解除" in datong.note


def test_lifecycle_steps_are_audited_and_refuse_the_wrong_order(users):
    services.publish(services.evaluate(2021), year=2021, month=None)
    datong = Warning.objects.get(rule_id_text=BAROMETER, subject="140200")
    admin = users[Role.PROVINCE_ADMIN]
    with pytest.raises(services.LifecycleError):
        services.act(admin, datong, "reopen")
    services.act(admin, datong, "acknowledge", note="已通知大同市")
    resolved = services.act(admin, datong, "resolve", note="已整改")
    assert resolved.status == Warning.Status.RESOLVED and resolved.resolved_by == admin
    assert "已通知大同市" in resolved.note and "已整改" in resolved.note
    steps = AuditEntry.objects.filter(object_type="warnings.Warning", object_id=str(datong.pk))
    assert {e.summary for e in steps} >= {"acknowledge", "resolve"}


def test_each_role_sees_only_the_warnings_in_its_scope(users):
    services.publish(services.evaluate(2021), year=2021, month=None)

    def seen(role):
        return set(services.warnings_for(users[role]).values_list("subject", flat=True))

    everything = set(Warning.objects.values_list("subject", flat=True))
    assert seen(Role.PROVINCE_ADMIN) == seen(Role.REVIEWER) == everything
    assert seen(Role.CITY_OFFICIAL) == {"140100", "140105"}
    assert seen(Role.COUNTY_OFFICIAL) == {"140105"}
    assert seen(Role.ENTERPRISE_REPORTER) == set() and seen(Role.PUBLIC) == set()
    datong = Notification.objects.filter(warning__subject="140200").first()
    assert services.unread_for(users[Role.CITY_OFFICIAL]).filter(pk=datong.pk).count() == 0


def test_a_rule_the_administrator_adds_fires_on_the_next_run(users):
    services.ensure_rules()
    cells = dict(WarningRule.objects.get(rule_id=BAROMETER).record)
    with pytest.raises(RefdataError, match="nonsense"):
        services.save_rule_version(
            users[Role.PROVINCE_ADMIN], {**cells, "explanation_behind": "{nonsense}"}
        )
    assert not WarningRule.objects.filter(version=2).exists()
    strict = {**cells, "rule_id": "carbon_barometer_strict", "red_gap_share": "0.01"}
    services.save_rule_version(users[Role.PROVINCE_ADMIN], strict, note="更严格的红色阈值")
    found = services.evaluate(2021)
    strict_taiyuan = next(
        f.warning
        for f in found
        if f.warning.rule == "carbon_barometer_strict" and f.warning.subject == "140100"
    )
    # Taiyuan is 0.08 points behind: within 10 % of the requirement, beyond 1 %
    assert strict_taiyuan.level.value == "red"
    assert barometer(found, "140100").level.value == "yellow"


@pytest.fixture
def _no_migrate(monkeypatch):
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)


def test_warn_year_json_and_publish(users, _no_migrate):
    runner = CliRunner()
    done = runner.invoke(app, ["warn", "--year", "2021", "--json"])
    assert done.exit_code == 0, done.output
    records = json.loads(done.stdout)
    datong = next(r for r in records if r["rule"] == BAROMETER and r["subject"] == "140200")
    assert datong["level"] == "red" and datong["period"] == "2021"
    assert {"subject", "period", "rule", "level", "value", "threshold", "message"} <= set(datong)
    assert not Warning.objects.exists()  # not published
    published = runner.invoke(app, ["warn", "--year", "2021", "--publish", "--user", "admin"])
    assert published.exit_code == 0, published.output
    assert Warning.objects.filter(subject="140200", level="red").exists()
    both = runner.invoke(app, ["warn", "--year", "2021", "--input", "x.csv"])
    assert both.exit_code == 2
    bad_month = runner.invoke(app, ["warn", "--year", "2021", "--month", "13"])
    assert bad_month.exit_code == 2
