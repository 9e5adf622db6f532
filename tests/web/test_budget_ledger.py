"""The stored budget ledger: append-only rows checked by the core, audited; adjustments need a
second person; budgets and actuals derived from the platform's data follow the intensity path;
the monthly series prefers reconciled figures; replay shows past states; ``carbonctl budget``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from carbonctl import budget as core
from carbonctl.cli import app
from carbonctl.errors import InputError
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.budget import services
from carbonctl.web.budget.models import AdjustmentRequest, AppendOnlyError, LedgerEntry
from carbonctl.web.electricity.models import Assessment, Estimate

from .conftest import CONTROL_EMISSIONS, CONTROL_GDP, control_monthly

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(control_world):
    return control_world["users"]


def budget_2023(users, adcode="140100", amount=105e6):
    return services.append(
        users[Role.PROVINCE_ANALYST],
        region=adcode,
        year=2023,
        kind="budget",
        amount_tco2=amount,
        source="rule:test",
    )


def test_an_entry_is_checked_by_the_core_written_once_and_audited(users):
    row = budget_2023(users)
    assert row.plan == "14th" and row.author == users[Role.PROVINCE_ANALYST]
    audit = AuditEntry.objects.get(object_type="budget.LedgerEntry", object_id=str(row.pk))
    assert audit.action == AuditEntry.Action.CREATE and audit.after["amount_tco2"] == 105e6
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=row.pk).update(amount_tco2=1.0)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(core.LedgerEntryError) as refused:
        budget_2023(users, amount=-1.0)
    assert refused.value.column == "amount_tco2"
    assert LedgerEntry.objects.count() == 1


def test_an_adjustment_needs_an_approver_other_than_its_author(users):
    budget_2023(users)
    analyst, admin = users[Role.PROVINCE_ANALYST], users[Role.PROVINCE_ADMIN]
    request = services.request_adjustment(
        analyst,
        region="140100",
        year=2023,
        reason_code="gdp_revision",
        amount_tco2=-2e6,
        reason="GDP下修",
    )
    with pytest.raises(services.AdjustmentError, match="someone other than its author"):
        services.decide_adjustment(analyst, request, approve=True)
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 0
    decided = services.decide_adjustment(admin, request, approve=True, note="同意")
    entry = decided.entry
    assert decided.status == AdjustmentRequest.Status.APPROVED
    assert (entry.author, entry.approver, entry.adjusts) == (analyst, admin, "budget")
    assert services.show("140100", 2023)["budget_tco2"] == pytest.approx(103e6)
    with pytest.raises(services.AdjustmentError, match="already approved"):
        services.decide_adjustment(admin, request, approve=False)


def test_a_returned_adjustment_changes_nothing_and_a_bad_one_is_refused_when_requested(users):
    budget_2023(users)
    analyst, admin = users[Role.PROVINCE_ANALYST], users[Role.PROVINCE_ADMIN]
    request = services.request_adjustment(
        analyst, region="140100", year=2023, reason_code="carry_over", amount_tco2=1e6, reason="x"
    )
    services.decide_adjustment(admin, request, approve=False, note="依据不足")
    assert services.show("140100", 2023)["budget_tco2"] == pytest.approx(105e6)
    with pytest.raises(core.LedgerEntryError) as refused:
        services.request_adjustment(
            analyst,
            region="140100",
            year=2023,
            reason_code="statistics_revision",
            adjusts="budget",
            amount_tco2=1e6,
            reason="x",
        )
    assert refused.value.column == "adjusts"
    assert AdjustmentRequest.objects.count() == 1


def test_replay_shows_the_ledger_as_it_stood(users):
    first = budget_2023(users)
    later = services.append(
        users[Role.PROVINCE_ANALYST],
        region="140100",
        year=2023,
        kind="budget",
        amount_tco2=99e6,
        source="rule:test",  # the same source restates the amount
    )
    assert services.show("140100", 2023)["budget_tco2"] == pytest.approx(99e6)
    as_of = first.recorded_at + (later.recorded_at - first.recorded_at) / 2
    assert services.show("140100", 2023, as_of=as_of)["budget_tco2"] == pytest.approx(105e6)
    before = first.recorded_at - timedelta(seconds=1)
    assert services.show("140100", 2023, as_of=before)["budget_tco2"] == 0.0


def test_the_monthly_series_prefers_reconciled_figures_from_the_newest_assessment(control_world):
    monthly = services.monthly_table(["140100"])
    assert list(monthly.columns) == ["region", "year", "month", "tco2"]
    assert len(monthly) == 3 * 12 + 6 and services.current_year(monthly) == 2023
    newer = Assessment.objects.create(label="newer", year=2023, through_year=2022)
    for basis, tco2 in ((Estimate.Basis.NOWCAST, 1.0), (Estimate.Basis.RECONCILED, 2.0)):
        Estimate.objects.create(
            assessment=newer,
            level="city",
            region_id="140100",
            sector="ALL",
            month="2022-03",
            kind="month",
            basis=basis,
            kwh=0,
            tco2=tco2,
            lo=tco2,
            hi=tco2,
        )
    again = services.monthly_table(["140100"]).set_index(["year", "month"])["tco2"]
    assert again[(2022, 3)] == 2.0
    assert again[(2022, 4)] == pytest.approx(control_monthly("140100", 2022)[3])


def test_derived_budgets_follow_the_intensity_path_and_actuals_the_inventory(users):
    entries = services.derive_budgets("14th")
    taiyuan = {e["year"]: e["amount_tco2"] for e in entries if e["region"] == "140100"}
    assert sorted(taiyuan) == [2021, 2022, 2023, 2024, 2025]
    intensity = CONTROL_EMISSIONS["140100"][2020] / CONTROL_GDP["140100"]
    for year, amount in taiyuan.items():
        # GDP of 2021–2023 from the data, 2024–2025 projected at 5 % from 2023: the same here
        gdp = CONTROL_GDP["140100"] * 1.05 ** (year - 2020)
        expected = intensity * (1 - 0.18) ** ((year - 2020) / 5) * gdp
        assert amount == pytest.approx(expected, rel=1e-9)
    written = services.append_many(users[Role.PROVINCE_ADMIN], entries, summary="14th")
    assert written == len(entries) == 3 * 5
    assert AuditEntry.objects.filter(object_type="budget.LedgerEntry").count() == 1
    actuals = services.derive_actuals(2022)
    assert {a["region"]: a["amount_tco2"] for a in actuals} == {
        k: v[2022] for k, v in CONTROL_EMISSIONS.items()
    }
    in_progress = {a["region"]: a for a in services.derive_actuals(2023)}
    assert in_progress["140100"]["source"] == "electricity:2023"
    assert in_progress["140100"]["amount_tco2"] == pytest.approx(
        sum(control_monthly("140100", 2023)[:6])
    )


def test_show_is_the_core_record_over_the_stored_ledger_and_monthly_data(users):
    services.append_many(users[Role.PROVINCE_ADMIN], services.derive_budgets("14th"), summary="b")
    services.append_many(users[Role.PROVINCE_ADMIN], services.derive_actuals(2023), summary="a")
    shown = services.show("太原市", 2023)
    expected = core.budget_show(services.ledger(), services.monthly_table(), "140100", 2023)
    assert shown == expected
    assert shown["actual_tco2"] == pytest.approx(sum(control_monthly("140100", 2023)[:6]))
    # 2023 runs 4 % above 2022 while the budget path allows about +1 %: it runs out in December
    assert shown["forecast_tco2"] == pytest.approx(CONTROL_EMISSIONS["140100"][2022] * 1.04)
    assert shown["exhaustion_date"] is not None and shown["exhaustion_date"].startswith("2023-1")


@pytest.fixture
def _no_migrate(monkeypatch):
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)


def test_budget_cli_update_and_show_json(users, _no_migrate):
    runner = CliRunner()
    done = runner.invoke(app, ["budget", "update", "--user", "admin", "--plan", "14th"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["budget", "update", "--user", "admin", "--year", "2023"])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["budget", "show", "140100", "--json"])  # current year: 2023
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.stdout)
    assert list(record) == list(core.BUDGET_SHOW_FIELDS)
    assert record == services.show("140100", 2023)
    assert record["headroom_tco2"] == pytest.approx(record["budget_tco2"] - record["actual_tco2"])
    bad = runner.invoke(app, ["budget", "show", "140199", "--year", "2023", "--json"])
    assert bad.exit_code == 2 and "140199" in bad.stderr
    nobody = runner.invoke(app, ["budget", "update", "--user", "nobody", "--year", "2023"])
    assert nobody.exit_code == 2 and "nobody" in nobody.stderr


def test_a_project_is_pipeline_then_committed_at_every_level_and_cancelling_removes_it(users):
    analyst = users[Role.PROVINCE_ANALYST]
    assert services.region_chain("140105") == ["140105", "140100", "140000"]
    services.record_project(
        analyst,
        project="P-1",
        region="140105",
        year=2023,
        tco2=5e5,
        stage="pipeline",
        reason="在审",
    )
    for adcode in ("140105", "140100", "140000"):
        shown = services.show(adcode, 2023)
        assert (shown["pipeline_tco2"], shown["committed_tco2"]) == (5e5, 0.0)
    assert services.show("140200", 2023)["pipeline_tco2"] == 0.0  # another city
    under_review = LedgerEntry.objects.latest("recorded_at").recorded_at
    services.record_project(
        analyst,
        project="P-1",
        region="140105",
        year=2023,
        tco2=4e5,
        stage="committed",
        reason="批准",
    )
    for adcode in ("140105", "140100", "140000"):
        shown = services.show(adcode, 2023)
        assert (shown["pipeline_tco2"], shown["committed_tco2"]) == (0.0, 4e5)
        assert shown["headroom_tco2"] == pytest.approx(
            shown["budget_tco2"] - shown["actual_tco2"] - 4e5 - shown["reserve_tco2"]
        )
    assert services.show("140100", 2023, as_of=under_review)["pipeline_tco2"] == 5e5
    services.record_project(
        analyst, project="P-1", region="140105", year=2023, tco2=0, stage="cancelled", reason="取消"
    )
    shown = services.show("140000", 2023)
    assert (shown["pipeline_tco2"], shown["committed_tco2"]) == (0.0, 0.0)
    with pytest.raises(InputError):
        services.record_project(
            analyst, project="P-1", region="140105", year=2023, tco2=1, stage="x", reason="x"
        )
