"""The carbon market on the platform (issue 18 part 2): allocations from stored output equal the
core's, verification by the assigned verifier only (explanation above 0.5 %), compliance and
the board scoped by role, audit rows, flags in the page's language, the ets_shortfall warning."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.utils import translation

from carbonctl.market import allocate, comply
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.market import services
from carbonctl.web.market.models import (
    Allocation,
    Category,
    Compliance,
    EtsUnit,
    UnitYear,
    Verification,
    VerifierAssignment,
)

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, CITY = Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.CITY_OFFICIAL
COUNTY, REPORTER, VERIFIER, PUBLIC = (
    Role.COUNTY_OFFICIAL,
    Role.ENTERPRISE_REPORTER,
    Role.VERIFIER,
    Role.PUBLIC,
)
YEAR = 2023


def _unit(enterprise, unit_id, generation, reported, category=Category.COAL_LARGE, ccer=0.0):
    unit = EtsUnit.objects.create(
        enterprise=enterprise,
        unit_id=unit_id,
        category=category,
        capacity_mw=600,
        cooling=EtsUnit.Cooling.WATER,
        fuel="gas" if category == Category.GAS else "coal",
    )
    UnitYear.objects.create(
        unit=unit,
        year=YEAR,
        generation_mwh=generation,
        supplied_mwh=generation * 0.94,
        reported_t=reported,
        ccer_offered_t=ccer,
    )
    return unit


@pytest.fixture
def market(province):
    """Three units: the reporter's (小店区, Taiyuan), 清徐's (Taiyuan) and Datong's; the verifier
    is assigned Taiyuan-小店区's and Datong's 2023, not 清徐's."""
    users = province["users"]
    units = {
        "own": _unit(province["taiyuan"], "SX-A-1", 3.3e6, 2.70e6),  # the worked example's output
        "qingxu": _unit(province["qingxu"], "SX-B-1", 2.0e6, 1.65e6, ccer=1e5),
        "datong": _unit(province["datong"], "SX-C-1", 1.0e6, 0.85e6),
    }
    for key in ("own", "datong"):
        VerifierAssignment.objects.create(verifier=users[VERIFIER], unit=units[key], year=YEAR)
    return {"users": users, "units": units, **province}


def _core_table(units, verified_generation=None):
    rows = []
    for unit in units:
        output = unit.years.get(year=YEAR)
        generation = (verified_generation or {}).get(unit.unit_id, output.generation_mwh)
        rows.append(
            {
                "unit_id": unit.unit_id,
                "enterprise": unit.enterprise.name_zh,
                "unit_category": unit.category,
                "capacity_mw": unit.capacity_mw,
                "generation_mwh": generation,
                "supplied_mwh": output.supplied_mwh,
                "heat_supplied_gj": None,
                "cooling": unit.cooling,
            }
        )
    return pd.DataFrame(rows)


def test_pre_allocation_from_stored_output_is_the_cores_and_audited(market):
    units = list(market["units"].values())
    before = AuditEntry.objects.filter(object_type="market.Allocation").count()
    stored = services.compute_allocation(market["users"][ANALYST], YEAR, "pre")
    expected = allocate(_core_table(units), YEAR)
    assert {a.unit.unit_id: a.amount_t for a in stored} == pytest.approx(
        {u.unit_id: u.pre_allocation_t for u in expected.units}
    )
    own = Allocation.objects.get(unit=market["units"]["own"], stage="pre")
    assert own.amount_t == pytest.approx(1815891.0)  # 3.3 TWh × 0.7861 × 70 %
    assert {f["kind"] for f in own.flags} >= {"pre_allocation_share", "correction_assumed"}
    assert AuditEntry.objects.filter(object_type="market.Allocation").count() == before + 3
    # computing again updates (one row per unit, year and stage) and audits the update
    services.compute_allocation(market["users"][ANALYST], YEAR, "pre")
    assert Allocation.objects.filter(stage="pre").count() == 3
    assert AuditEntry.objects.filter(object_type="market.Allocation", action="update").count() == 3


def test_final_allocation_needs_verification_and_settles_against_the_pre_allocation(market):
    analyst, verifier = market["users"][ANALYST], market["users"][VERIFIER]
    own = market["units"]["own"]
    services.compute_allocation(analyst, YEAR, "pre", [own])
    with pytest.raises(services.MarketError) as refused:
        services.compute_allocation(analyst, YEAR, "final", [own])
    assert "SX-A-1" in refused.value.messages[0]
    services.save_verification(
        verifier, own, YEAR, 2.70e6, output={"generation_mwh": 3.2e6}
    )  # verified output lower than reported
    # by default the final allocation takes the verified units only (SX-A-1 here)
    (final,) = services.compute_allocation(analyst, YEAR, "final")
    core = allocate(_core_table([own], {"SX-A-1": 3.2e6}), YEAR)
    pre = Allocation.objects.get(unit=own, stage="pre").amount_t
    assert final.amount_t == pytest.approx(core.total_t)
    assert final.settlement_t == pytest.approx(core.settlement({"SX-A-1": pre})["SX-A-1"])
    assert final.settlement_t == pytest.approx(3.2e6 * 0.7861 - 1815891.0)


def test_a_missing_value_is_a_form_error_naming_unit_and_value(client, market):
    _unit(market["datong"], "SX-C-2", 1.0e6, 1.0e6, category=Category.UNCONVENTIONAL)
    client.force_login(market["users"][ANALYST])
    response = client.post("/market/compute/", {"year": YEAR, "step": "pre"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "机组 SX-C-2：供电（发电）基准值 缺失或无效" in text
    assert not Allocation.objects.exists()  # nothing stored for any unit


def test_only_managers_compute(client, market):
    client.force_login(market["users"][CITY])
    response = client.post("/market/compute/", {"year": YEAR, "step": "pre"})
    assert response.status_code == 403
    assert not Allocation.objects.exists()
    with pytest.raises(services.Refused):
        services.compute_allocation(market["users"][VERIFIER], YEAR, "pre")


def test_the_verifier_sees_and_verifies_only_its_assigned_units(client, market):
    units, verifier = market["units"], market["users"][VERIFIER]
    client.force_login(verifier)
    page = client.get("/market/verify/")
    assert page.status_code == 200
    listed = {w["assignment"].unit.unit_id for w in page.context["work"]}
    assert listed == {"SX-A-1", "SX-C-1"}
    board = client.get("/market/", {"year": YEAR})
    assert {r.unit.unit_id for r in board.context["rows"]} == {"SX-A-1", "SX-C-1"}
    assert client.get(f"/market/units/{units['qingxu'].pk}/").status_code == 404
    assert client.get(f"/market/units/{units['datong'].pk}/").status_code == 200
    denials = AuditEntry.objects.filter(action="deny").count()
    posted = client.post(
        "/market/verify/", {"unit": units["qingxu"].pk, "year": YEAR, "verified_t": 1.5e6}
    )
    assert posted.status_code == 404
    assert AuditEntry.objects.filter(action="deny").count() == denials + 1
    # an assigned unit, but not for that year: refused (403) and audited
    other_year = {"unit": units["own"].pk, "year": YEAR + 1, "verified_t": 1.0}
    assert client.post("/market/verify/", other_year).status_code == 403
    assert AuditEntry.objects.filter(action="deny").count() == denials + 2
    with pytest.raises(services.Refused):
        services.save_verification(verifier, units["own"], YEAR + 1, 1.0)
    assert not Verification.objects.exists()
    # the verifier sees no region or enterprise beyond its units
    assert client.get(f"/enterprises/{market['datong'].pk}/").status_code == 404


def test_an_explanation_is_required_above_half_a_percent(client, market):
    own = market["units"]["own"]  # reported 2.70e6
    client.force_login(market["users"][VERIFIER])
    within = {"unit": own.pk, "year": YEAR, "verified_t": 2.70e6 * 1.005}
    assert client.post("/market/verify/", within).status_code == 302
    above = {"unit": own.pk, "year": YEAR, "verified_t": 2.70e6 * 1.006}
    refused = client.post("/market/verify/", above)
    assert refused.status_code == 400
    assert "0.5%" in refused.content.decode()
    assert Verification.objects.get().verified_t == pytest.approx(2.70e6 * 1.005)
    before = AuditEntry.objects.filter(object_type="market.Verification").count()
    explained = {**above, "explanation": "入炉煤量更正"}
    assert client.post("/market/verify/", explained).status_code == 302
    saved = Verification.objects.get()
    assert (saved.verified_t, saved.explanation) == (pytest.approx(2.70e6 * 1.006), "入炉煤量更正")
    entry = AuditEntry.objects.filter(object_type="market.Verification").first()
    assert AuditEntry.objects.filter(object_type="market.Verification").count() == before + 1
    assert (entry.action, entry.username) == ("update", "verifier")


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (ADMIN, {"SX-A-1", "SX-B-1", "SX-C-1"}),
        (CITY, {"SX-A-1", "SX-B-1"}),  # Taiyuan's
        (COUNTY, {"SX-A-1"}),  # 小店区's
        (REPORTER, {"SX-A-1"}),  # its own enterprise's
        (VERIFIER, {"SX-A-1", "SX-C-1"}),  # assigned
    ],
)
def test_each_role_sees_its_units_only(client, market, role, seen):
    client.force_login(market["users"][role])
    page = client.get("/market/", {"year": YEAR})
    assert page.status_code == 200
    assert {r.unit.unit_id for r in page.context["rows"]} == seen
    for unit in market["units"].values():
        status = client.get(f"/market/units/{unit.pk}/").status_code
        assert status == (200 if unit.unit_id in seen else 404)


def test_roles_without_the_market_get_404(client, market):
    client.force_login(market["users"][PUBLIC])
    assert client.get("/market/").status_code == 404
    assert client.get("/market/verify/").status_code == 404
    client.force_login(market["users"][ANALYST])  # may view, may not verify
    assert client.get("/market/verify/").status_code == 404


def _complete(market):
    analyst, verifier = market["users"][ANALYST], market["users"][VERIFIER]
    units = market["units"]
    services.compute_allocation(analyst, YEAR, "pre")
    services.save_verification(verifier, units["own"], YEAR, 2.70e6)
    services.save_verification(verifier, units["datong"], YEAR, 0.85e6)
    VerifierAssignment.objects.create(verifier=verifier, unit=units["qingxu"], year=YEAR)
    services.save_verification(verifier, units["qingxu"], YEAR, 1.65e6)
    services.compute_allocation(analyst, YEAR, "final")
    return services.compute_compliance(analyst, YEAR)


def test_compliance_is_the_cores_and_the_board_totals_by_city(client, market):
    stored = {c.unit.unit_id: c for c in _complete(market)}
    rows = pd.DataFrame(
        [
            {
                "unit_id": c.unit.unit_id,
                "year": YEAR,
                "unit_category": c.unit.category,
                "allocation_t": c.allocation_t,
                "verified_t": c.verified_t,
                "ccer_t": c.ccer_offered_t,
            }
            for c in stored.values()
        ]
    )
    for done in comply(rows).units:
        assert stored[done.unit_id].shortfall_t == pytest.approx(done.shortfall_t)
        assert stored[done.unit_id].required_t == pytest.approx(done.required_surrender_t)
    own = stored["SX-A-1"]  # 2.70 Mt verified on 2.594 Mt allocated: a gap
    assert own.status == "shortfall" and own.shortfall_t > 0
    assert stored["SX-B-1"].ccer_used_t > 0 and stored["SX-B-1"].status == "complied"
    assert own.deadline == dt.date(2024, 12, 31)
    client.force_login(market["users"][ADMIN])
    page = client.get("/market/", {"year": YEAR})
    cities = {c["city"].adcode: c for c in page.context["cities"]}
    assert set(cities) == {"140100", "140200"}
    assert cities["140100"]["units"] == 2
    assert cities["140100"]["shortfall_t"] == pytest.approx(
        stored["SX-A-1"].shortfall_t + stored["SX-B-1"].shortfall_t
    )
    total = page.context["total"]
    assert total["final_t"] == pytest.approx(sum(c.allocation_t for c in stored.values()))
    assert total["shortfalls"] == sum(c.shortfall_t > 0 for c in stored.values())
    assert AuditEntry.objects.filter(object_type="market.Compliance").count() == 3


def test_flags_are_shown_in_the_pages_language(client, market):
    services.compute_allocation(market["users"][ANALYST], YEAR, "pre")
    client.force_login(market["users"][ADMIN])
    zh = client.get("/market/", {"year": YEAR}).content.decode()
    assert "预分配比例 70% 为沿用的假设，未经确认" in zh
    assert "pre-allocation 70% assumed" not in zh  # the core's sentence stays in the row
    en = client.get("/en/market/", {"year": YEAR}).content.decode()
    assert "Pre-allocation share of 70 % is an assumption carried over, unconfirmed" in en
    assert "预分配比例" not in en


def test_a_stored_shortfall_raises_the_ets_shortfall_warning(market):
    from carbonctl.web.warnings import services as warnings

    _complete(market)
    found = [
        f
        for f in warnings.evaluate(2024, None, as_of=dt.date(2025, 1, 31))
        if f.stored.kind == "ets_shortfall"
    ]
    shortfalls = {
        c.unit.unit_id for c in Compliance.objects.filter(shortfall_t__gt=0).select_related("unit")
    }
    assert shortfalls
    assert {f.warning.details["unit_id"] for f in found} == shortfalls
    assert all(f.warning.level == "red" for f in found)  # after the 2023 deadline (2024-12-31)


def test_the_enterprise_page_has_the_ets_section_for_its_units(client, market):
    client.force_login(market["users"][REPORTER])
    page = client.get(f"/enterprises/{market['taiyuan'].pk}/").content.decode()
    assert 'id="ets-units"' in page and "SX-A-1" in page
    client.force_login(market["users"][ADMIN])
    other = client.get(f"/enterprises/{market['taiyuan'].pk}/").content.decode()
    assert "SX-A-1" in other
    with translation.override("zh-hans"):
        assert str(services.STATUS["shortfall"]) == "存在缺口"


def test_the_units_api_is_scoped_and_paged(client, market):
    services.compute_allocation(market["users"][ANALYST], YEAR, "pre")
    client.force_login(market["users"][CITY])
    body = client.get("/api/v1/market/units", {"year": YEAR}).json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert {u["unit_id"] for u in body["units"]} == {"SX-A-1", "SX-B-1"}
    own = next(u for u in body["units"] if u["unit_id"] == "SX-A-1")
    assert own["pre_allocation_t"] == pytest.approx(1815891.0)
    assert own["status"] == "not_computed"
    assert client.get("/api/v1/market/units", {"page": 2}).json()["units"] == []
    client.force_login(market["users"][VERIFIER])
    body = client.get("/api/v1/market/units").json()
    assert {u["unit_id"] for u in body["units"]} == {"SX-A-1", "SX-C-1"}
    client.force_login(market["users"][PUBLIC])
    assert client.get("/api/v1/market/units").status_code == 404
    assert client.get("/api/v1/market/units", {"page": 0}).status_code == 422


def test_green_certificates_are_checked_by_the_core_and_counted_once(market):
    analyst = market["users"][ANALYST]
    before = AuditEntry.objects.filter(object_type="market.GreenHolding").count()
    first = services.add_green_holding(
        analyst, market["taiyuan"], 2023, 100, serials=("GEC-001", "GEC-100")
    )
    assert first.kind == "gec"
    with pytest.raises(services.MarketError):  # 100 certificates are not 90 MWh
        services.add_green_holding(
            analyst, market["qingxu"], 2023, 90, serials=("GEC-101", "GEC-200")
        )
    with pytest.raises(services.MarketError):  # GEC-050..100 already claimed
        services.add_green_holding(
            analyst, market["qingxu"], 2023, 51, serials=("GEC-050", "GEC-100")
        )
    with pytest.raises(services.Refused):
        services.add_green_holding(
            market["users"][REPORTER], market["taiyuan"], 2023, 1, serials=("GEC-500", "GEC-500")
        )
    assert AuditEntry.objects.filter(object_type="market.GreenHolding").count() == before + 1


def test_the_board_exports_the_same_rows_to_excel(client, market):
    from io import BytesIO

    from openpyxl import load_workbook

    services.compute_allocation(market["users"][ANALYST], YEAR, "pre")
    client.force_login(market["users"][CITY])
    response = client.get("/market/", {"year": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机组编号 unit"
    assert sorted(r[0] for r in rows[1:]) == ["SX-A-1", "SX-B-1"]  # Taiyuan's only
    own = next(r for r in rows[1:] if r[0] == "SX-A-1")
    assert own[4] == pytest.approx(1815891.0)


def test_every_flag_the_core_raises_has_its_translated_kind():
    """The page shows a flag by its kind, recognised from the core's sentence: every sentence
    the core gives, for every plan year and category with and without the optional inputs,
    has a kind of its own (none falls to the generic "unconfirmed value")."""
    import pandas as pd

    from carbonctl.errors import InputErrors
    from carbonctl.market import allocate, comply
    from carbonctl.web.market.flags import kind_of

    categories = ["conventional coal >300MW", "conventional coal <=300MW", "gas"]
    full = {"cooling": "air", "heat_supply_ratio": 0.2, "load_factor": 0.7}
    sentences: set[str] = set()
    for year in range(2019, 2028):
        for options in ({}, full, {**full, "correction": 1.02}):
            units = pd.DataFrame(
                [
                    {
                        "unit_id": f"U{i}",
                        "enterprise": "E",
                        "unit_category": category,
                        "capacity_mw": 600.0 if "300" in category else 300.0,
                        "generation_mwh": 3.3e6,
                        "supplied_mwh": 3.1e6,
                        "heat_supplied_gj": 0.0,
                        **options,
                    }
                    for i, category in enumerate(categories)
                ]
            )
            try:
                result = allocate(units, year)
            except InputErrors:
                continue
            sentences.update(flag for unit in result.units for flag in unit.flags)
        rows = pd.DataFrame(
            [
                {
                    "unit_id": "U0",
                    "year": year,
                    "unit_category": category,
                    "allocation_t": 2.0e6,
                    "verified_t": 2.8e6,
                    "ccer_t": 2.0e5,
                    "ccer_project_start": "2015-01-01",
                }
                for category in categories[:1]
            ]
            + [
                {
                    "unit_id": "U2",
                    "year": year,
                    "unit_category": "gas",
                    "allocation_t": 1.0e5,
                    "verified_t": 1.5e5,
                    "ccer_t": 0.0,
                }
            ]
        )
        sentences.update(f for unit in comply(rows).units for f in unit.flags)
    assert len(sentences) > 5
    assert {s: kind_of(s) for s in sentences if kind_of(s) == "other"} == {}
    expected = {  # what a sentence is about, read from its own words
        "electricity benchmark": "benchmark",
        "correction:": "correction_recalled",
        "heat-supply correction": "correction_recalled",
        "surrender obligation capped": "gas_cap",
        "stock CCER": "stock_ccer",
        "carried forward": "carried_forward",
    }
    for sentence in sentences:
        for words, kind in expected.items():
            if words in sentence and not (
                "carried forward" in sentence and kind != "carried_forward"
            ):
                assert kind_of(sentence) == kind, sentence


def test_a_manager_assigns_and_reassigns_a_verifier_and_the_worklist_shows_it(client, market):
    units, users = market["units"], market["users"]
    verifier = users[VERIFIER]
    client.force_login(users[ANALYST])
    page = client.get(f"/market/units/{units['qingxu'].pk}/")
    assert verifier in page.context["verifiers"]
    posted = client.post(
        f"/market/units/{units['qingxu'].pk}/assign/", {"year": YEAR, "verifier": verifier.pk}
    )
    assert posted.status_code == 302
    assert VerifierAssignment.objects.get(unit=units["qingxu"], year=YEAR).verifier == verifier
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).latest("pk")
    assert "SX-B-1" in entry.summary
    client.force_login(verifier)
    listed = {w["assignment"].unit.unit_id for w in client.get("/market/verify/").context["work"]}
    assert "SX-B-1" in listed
    # reassigning to another verifier replaces the assignment: the first no longer sees it
    other = type(verifier).objects.create(username="verifier-2")
    other.profile = type(verifier.profile).objects.create(user=other, role=VERIFIER)
    client.force_login(users[ADMIN])
    posted = client.post(
        f"/market/units/{units['qingxu'].pk}/assign/", {"year": YEAR, "verifier": other.pk}
    )
    assert posted.status_code == 302
    assert VerifierAssignment.objects.filter(unit=units["qingxu"], year=YEAR).count() == 1
    assert VerifierAssignment.objects.get(unit=units["qingxu"], year=YEAR).verifier == other
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).exists()
    client.force_login(verifier)
    listed = {w["assignment"].unit.unit_id for w in client.get("/market/verify/").context["work"]}
    assert "SX-B-1" not in listed


def test_only_a_verifier_user_can_be_assigned(client, market):
    units, users = market["units"], market["users"]
    client.force_login(users[ADMIN])
    posted = client.post(
        f"/market/units/{units['qingxu'].pk}/assign/", {"year": YEAR, "verifier": users[CITY].pk}
    )
    assert posted.status_code == 400
    assert posted.context["errors"]
    assert not VerifierAssignment.objects.filter(unit=units["qingxu"]).exists()
    with pytest.raises(services.MarketError):
        services.assign_verifier(users[ADMIN], units["qingxu"], YEAR, users[CITY])


@pytest.mark.parametrize(("role", "status"), [(CITY, 403), (REPORTER, 403), (VERIFIER, 403)])
def test_only_managers_assign_verifiers(client, market, role, status):
    units, users = market["units"], market["users"]
    unit = units["own"]  # in scope of the Taiyuan official, the reporter and the verifier
    client.force_login(users[role])
    page = client.get(f"/market/units/{unit.pk}/")
    assert page.status_code == 200
    assert b'id="assign"' not in page.content
    denials = AuditEntry.objects.filter(action="deny").count()
    posted = client.post(
        f"/market/units/{unit.pk}/assign/", {"year": YEAR + 1, "verifier": users[VERIFIER].pk}
    )
    assert posted.status_code == status
    assert AuditEntry.objects.filter(action="deny").count() == denials + 1
    assert not VerifierAssignment.objects.filter(unit=unit, year=YEAR + 1).exists()
    with pytest.raises(services.Refused):
        services.assign_verifier(users[role], unit, YEAR + 1, users[VERIFIER])
