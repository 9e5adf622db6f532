"""Key units on the platform: the registry is derived from APPROVED submissions only, audited,
for province staff only; the list, the unit's section, the county grade map and the two annual
reports; each role sees its own scope (reporter: its unit; county official: its county; public:
nothing)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.enterprises import services
from carbonctl.web.enterprises.models import (
    Designation,
    EnergySavingTarget,
    ProductEnergy,
    UnitYear,
)
from carbonctl.web.submissions import services as submissions

from .conftest import PASSWORD, _enterprise, kept_for_the_module, settle_constraints
from .test_i18n import CJK, visible_text, without_data

pytestmark = pytest.mark.django_db

POWER = "Production and Supply of Electric Power, Steam and Hot Water"
HEADER = "主体,期间,类别,品种,数量,单位\n"


def _submit(user, reviewer, enterprise, rows: str, *, approve: bool | None):
    upload = SimpleUploadedFile("report.csv", (HEADER + rows).encode(), content_type="text/csv")
    made = submissions.submit(
        user, upload, enterprise=enterprise, factor_set_code="GB/T 32150-2015"
    )
    if approve is not None:
        submissions.review(reviewer, made, approve=approve, note="test")
    return made


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """Three enterprises (Taiyuan steel in 小店区, 清徐 coking, 大同 power) with their 2023 data:
    Taiyuan's approved (≥ 10,000 tce, steel not yet in the ETS), 大同's approved (power, both
    kinds), 清徐's large figures only pending or rejected; the 2023 registry derived by the
    analyst; value added for grades, a product row and an energy-saving target."""
    with kept_for_the_module(django_db_blocker):
        taiyuan = _enterprise("示例太原钢铁", "140105", "MA0000001")
        qingxu = _enterprise("示例清徐焦化", "140121", "MA0000002")
        datong = _enterprise("示例大同电厂", "140212", "MA0000003")
        datong.sector = POWER
        datong.key_industry = "电力热力 power & heat"
        datong.save()
        users = {
            Role.PROVINCE_ADMIN: create_user("admin", PASSWORD, Role.PROVINCE_ADMIN),
            Role.PROVINCE_ANALYST: create_user("analyst", PASSWORD, Role.PROVINCE_ANALYST),
            Role.REVIEWER: create_user("reviewer", PASSWORD, Role.REVIEWER),
            Role.CITY_OFFICIAL: create_user(
                "taiyuan", PASSWORD, Role.CITY_OFFICIAL, region="140100"
            ),
            Role.COUNTY_OFFICIAL: create_user(
                "xiaodian", PASSWORD, Role.COUNTY_OFFICIAL, region="140105"
            ),
            Role.ENTERPRISE_REPORTER: create_user(
                "reporter", PASSWORD, Role.ENTERPRISE_REPORTER, enterprise_code=taiyuan.credit_code
            ),
            Role.PUBLIC: create_user("citizen", PASSWORD, Role.PUBLIC),
        }
        admin, reviewer = users[Role.PROVINCE_ADMIN], users[Role.REVIEWER]
        # 12,000 t coke (0.9714 tce/t) and 1,000 MWh: > 10,000 tce; CO2 ≈ 35,000 t
        good = _submit(
            users[Role.ENTERPRISE_REPORTER],
            reviewer,
            taiyuan,
            "示例太原钢铁,2023,燃料燃烧,焦炭,12000,吨\n示例太原钢铁,2023,购入电力,电力,100,万千瓦时\n",
            approve=True,
        )
        _submit(admin, reviewer, datong, "示例大同电厂,2023,燃料燃烧,焦炭,30000,吨\n", approve=True)
        pending = _submit(
            admin, reviewer, qingxu, "示例清徐焦化,2023,燃料燃烧,焦炭,900000,吨\n", approve=None
        )
        _submit(
            admin, reviewer, qingxu, "示例清徐焦化,2023,燃料燃烧,焦炭,900000,吨\n", approve=False
        )
        counts = services.derive_key_units(users[Role.PROVINCE_ANALYST], 2023)
        UnitYear.objects.filter(enterprise=taiyuan, year=2023).update(value_added_10k_cny=50_000)
        UnitYear.objects.filter(enterprise=datong, year=2023).update(value_added_10k_cny=5_000)
        ProductEnergy.objects.create(
            enterprise=taiyuan, year=2023, product="高炉工序", specific_energy=450, unit="kgce/t"
        )
        EnergySavingTarget.objects.create(
            enterprise=taiyuan,
            plan="14th",
            start_year=2021,
            end_year=2025,
            baseline_year=2020,
            baseline_energy_tce=12_000,
            target_saving_tce=1_000,
            achieved_saving_tce=400,
            as_of_year=2023,
        )
        settle_constraints()
        yield {
            "users": users,
            "taiyuan": taiyuan,
            "qingxu": qingxu,
            "datong": datong,
            "counts": counts,
            "good": good,
            "pending": pending,
        }


@pytest.fixture
def world(module_world, db):
    return module_world


def test_registry_comes_from_approved_submissions_only(world):
    taiyuan, datong, qingxu = world["taiyuan"], world["datong"], world["qingxu"]
    unit = UnitYear.objects.get(enterprise=taiyuan, year=2023)
    assert unit.submission_ids == [world["good"].pk]
    assert unit.energy_tce > 10_000 and unit.co2_t > 26_000
    assert not UnitYear.objects.filter(enterprise=qingxu).exists()  # pending / rejected only
    kinds = set(Designation.objects.filter(year=2023).values_list("enterprise_id", "kind"))
    assert kinds == {
        (taiyuan.pk, "key_energy_user"),  # steel enters the ETS in 2024
        (datong.pk, "key_energy_user"),
        (datong.pk, "ets_unit"),
    }
    assert world["counts"] == {
        "key_energy_user": 2,
        "ets_unit": 1,
        "unit_years_from_submissions": 2,
    }
    ets = Designation.objects.get(enterprise=datong, kind="ets_unit")
    assert ets.reasons == ["ets_power"]


def test_derivation_is_audited_and_for_province_staff_only(world):
    entry = AuditEntry.objects.filter(object_type="enterprises.Designation", object_id="2023").get()
    assert entry.username == "analyst" and "2023" in entry.summary
    assert [world["datong"].pk, "ets_unit", ["ets_power"]] in entry.after["designations"]
    for role in (Role.CITY_OFFICIAL, Role.REVIEWER, Role.ENTERPRISE_REPORTER, Role.PUBLIC):
        with pytest.raises(PermissionDenied):
            services.derive_key_units(world["users"][role], 2023)


def test_a_second_derivation_replaces_the_year_and_keeps_other_years(world):
    Designation.objects.create(
        enterprise=world["qingxu"], year=2022, kind="key_energy_user", energy_tce=1, co2_t=1
    )
    services.derive_key_units(world["users"][Role.PROVINCE_ADMIN], 2023)
    assert Designation.objects.filter(year=2023).count() == 3
    assert Designation.objects.filter(year=2022, enterprise=world["qingxu"]).exists()


def test_province_staff_derive_a_year_from_the_list_page_others_are_refused(client, world):
    client.force_login(world["users"][Role.CITY_OFFICIAL])
    page = client.get("/enterprises/").content.decode()
    assert 'id="derive"' not in page
    assert client.post("/enterprises/derive/", {"year": 2023}).status_code == 403
    assert AuditEntry.objects.filter(action="deny", username="taiyuan").exists()
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    assert 'id="derive"' in client.get("/enterprises/").content.decode()
    Designation.objects.filter(year=2023).delete()
    response = client.post("/enterprises/derive/", {"year": 2023})
    assert response.status_code == 302 and response["Location"].endswith("?year=2023")
    assert Designation.objects.filter(year=2023).count() == 3
    assert AuditEntry.objects.filter(
        object_type="enterprises.Designation", username="admin"
    ).exists()
    assert client.get("/enterprises/derive/").status_code == 405


def test_the_provincial_list_designates_units_from_5000_tce(client, world):
    qingxu = world["qingxu"]
    UnitYear.objects.create(enterprise=qingxu, year=2023, energy_tce=6_000, co2_t=15_000)
    client.force_login(world["users"][Role.PROVINCE_ANALYST])
    response = client.post(
        "/enterprises/derive/", {"year": 2023, "provincial_list": "91140121MA00000000\n"}
    )
    assert response.status_code == 400 and "91140121MA00000000" in response.content.decode()
    assert not Designation.objects.filter(enterprise=qingxu).exists()  # nothing written
    response = client.post(
        "/enterprises/derive/", {"year": 2023, "provincial_list": qingxu.credit_code.lower()}
    )
    assert response.status_code == 302
    listed = Designation.objects.get(enterprise=qingxu, year=2023)
    assert listed.reasons == ["energy_5k_tce_listed"]
    assert UnitYear.objects.get(enterprise=qingxu, year=2023).provincially_listed
    services.derive_key_units(world["users"][Role.PROVINCE_ANALYST], 2023)  # list kept
    assert Designation.objects.filter(enterprise=qingxu, year=2023).exists()
    services.derive_key_units(world["users"][Role.PROVINCE_ANALYST], 2023, provincial_list=[])
    assert not Designation.objects.filter(enterprise=qingxu, year=2023).exists()


def test_value_added_is_uploaded_all_or_nothing_and_grades_follow(client, world):
    taiyuan, datong = world["taiyuan"], world["datong"]
    client.force_login(world["users"][Role.CITY_OFFICIAL])
    upload = SimpleUploadedFile("va.csv", b"x", content_type="text/csv")
    assert client.post("/enterprises/value-added/", {"file": upload}).status_code == 403
    client.force_login(world["users"][Role.PROVINCE_ANALYST])
    bad = (
        "统一社会信用代码,年份,工业增加值（万元）\n"
        f"{taiyuan.credit_code},2023,1000\n"
        f"{datong.credit_code},2019,1000\n"
        "91140100XXXXXXXXXX,2023,5\n"
    )
    response = client.post(
        "/enterprises/value-added/", {"file": SimpleUploadedFile("va.csv", bad.encode())}
    )
    text = response.content.decode()
    assert response.status_code == 400 and "va.csv, row 3" in text and "row 4" in text
    assert UnitYear.objects.get(enterprise=taiyuan, year=2023).value_added_10k_cny == 50_000
    good = f"统一社会信用代码,年份,工业增加值（万元）\n{taiyuan.credit_code.lower()},2023,1000\n"
    response = client.post(
        "/enterprises/value-added/", {"file": SimpleUploadedFile("va.csv", good.encode())}
    )
    assert response.status_code == 302
    assert UnitYear.objects.get(enterprise=taiyuan, year=2023).value_added_10k_cny == 1000
    assert AuditEntry.objects.filter(object_type="enterprises.UnitYear").exists()
    graded = services.grades(2023).rows.set_index("enterprise")
    unit = UnitYear.objects.get(enterprise=taiyuan, year=2023)
    assert graded.loc[str(taiyuan.pk), "intensity"] == pytest.approx(unit.co2_t / 1000)


def test_the_list_shows_units_in_scope(client, world):
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    page = client.get("/enterprises/?year=2023").content.decode()
    assert "示例太原钢铁" in page and "示例大同电厂" in page and "示例清徐焦化" not in page
    assert "全国碳市场重点排放单位" in page and "未达基准水平" in page  # 450 > 基准 435
    only_ets = client.get("/enterprises/?year=2023&kind=ets_unit").content.decode()
    assert "示例大同电厂" in only_ets and "示例太原钢铁" not in only_ets
    client.force_login(world["users"][Role.CITY_OFFICIAL])
    page = client.get("/enterprises/").content.decode()
    assert "示例太原钢铁" in page and "示例大同电厂" not in page
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    page = client.get("/enterprises/").content.decode()
    assert "示例太原钢铁" in page and "示例大同电厂" not in page


def test_the_list_exports_to_excel_in_scope(client, world):
    client.force_login(world["users"][Role.CITY_OFFICIAL])
    response = client.get("/enterprises/?year=2023&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "单位名称" and len(rows) == 2  # Taiyuan's unit only
    assert rows[1][0] == "示例太原钢铁" and rows[1][4] == "重点用能单位"
    assert rows[1][5] == pytest.approx(
        UnitYear.objects.get(enterprise=world["taiyuan"], year=2023).energy_tce, abs=0.1
    )


def test_the_unit_section_shows_history_grade_benchmark_and_target(client, world):
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    page = client.get(f"/enterprises/{world['taiyuan'].pk}/").content.decode()
    assert 'id="key-unit"' in page and "重点用能单位" in page
    assert "年综合能源消费量≥1万吨标准煤" in page
    assert "未达基准水平" in page and "落后于进度" in page  # 40 % saved, 60 % of the period
    assert 'id="grade"' in page and "级" in page
    assert 'type="application/pdf"' in page


def test_reporter_gets_404_for_another_unit_and_county_official_outside_county(client, world):
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    assert client.get(f"/enterprises/{world['datong'].pk}/").status_code == 404
    url = f"/enterprises/{world['datong'].pk}/reports/2023/energy.xlsx"
    assert client.get(url).status_code == 404
    client.force_login(world["users"][Role.COUNTY_OFFICIAL])
    assert client.get(f"/enterprises/{world['qingxu'].pk}/").status_code == 404
    assert client.get(f"/enterprises/{world['taiyuan'].pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="deny", username="xiaodian").exists()


def test_public_is_redirected_to_login_or_refused(client, world):
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(world["users"][Role.PUBLIC])
    assert client.get("/enterprises/").status_code == 404
    assert client.get("/enterprises/grades/").status_code == 404


def test_grade_map_counts_grades_per_county(client, world):
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    page = client.get("/enterprises/grades/?year=2023").content.decode()
    assert 'id="county-grades"' in page and "grade-data" in page
    table = services.county_grade_distribution(2023)
    assert set(table.index) == {"140105", "140212"} and int(table["total"].sum()) == 2
    client.force_login(world["users"][Role.COUNTY_OFFICIAL])
    page = client.get("/enterprises/grades/?year=2023").content.decode()
    assert 'data-adcode="140105"' in page and 'data-adcode="140212"' not in page
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    assert client.get("/enterprises/grades/").status_code == 404


def test_reports_download_as_excel_with_the_figures(client, world):
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    unit = UnitYear.objects.get(enterprise=world["taiyuan"], year=2023)
    response = client.get(f"/enterprises/{world['taiyuan'].pk}/reports/2023/energy.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    texts = [str(c) for r in rows for c in r if c is not None]
    assert "焦炭" in texts and "综合能源消费量" in texts
    total = next(r for r in rows if r[0] == "综合能源消费量")
    assert total[4] == pytest.approx(unit.energy_tce)
    response = client.get(f"/enterprises/{world['taiyuan'].pk}/reports/2023/emission.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert total[1] == pytest.approx(unit.co2_t)
    assert any(r[0] == "净购入电力" and r[1] > 0 for r in rows)
    assert (
        client.get(f"/enterprises/{world['taiyuan'].pk}/reports/2019/energy.xlsx").status_code
        == 404
    )


def test_report_pdf(client, world):
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    response = client.get(f"/enterprises/{world['datong'].pk}/reports/2023/emission.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    ["/enterprises/?year=2023", "/enterprises/grades/?year=2023", "/enterprises/{taiyuan}/"],
)
def test_pages_in_english_show_no_chinese_but_data(client, world, path):
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    html = client.get("/en" + path.format(taiyuan=world["taiyuan"].pk)).content.decode()
    text = without_data(visible_text(html))
    for product in ProductEnergy.objects.values_list("product", flat=True):
        text = text.replace(product, "")  # the product as the enterprise filed it: data
    assert [line for line in text.splitlines() if CJK.search(line)] == []
    assert "Key energy-using unit" in html or "Carbon-efficiency grades by county" in html


def test_grades_are_net_of_the_green_power_held_and_a_certificate_counts_once(world):
    """碳效码 grades CO2 net of zero-carbon power: green certificates recorded in the market for
    the year lower the unit's graded CO2 by MWh × Shanxi's grid factor; the same serials claimed
    by another enterprise are refused, so its grade does not move."""
    from carbonctl.refdata.grid import grid_factor
    from carbonctl.web.market import services as market
    from carbonctl.web.market.services import MarketError

    taiyuan, datong = world["taiyuan"], world["datong"]
    before = services.grades(2023).rows.set_index("enterprise")
    analyst = world["users"][Role.PROVINCE_ANALYST]
    market.add_green_holding(analyst, taiyuan, 2023, 1000.0, serials=("GEC-0001", "GEC-1000"))
    with pytest.raises(MarketError):
        market.add_green_holding(analyst, datong, 2023, 1000.0, serials=("GEC-0001", "GEC-1000"))
    after = services.grades(2023).rows.set_index("enterprise")
    unit = UnitYear.objects.get(enterprise=taiyuan, year=2023)
    credit = 1000.0 * grid_factor("140000", 2023).value_tco2_per_mwh
    assert after.loc[str(taiyuan.pk), "intensity"] == pytest.approx(
        (unit.co2_t - credit) / unit.value_added_10k_cny
    )
    assert after.loc[str(taiyuan.pk), "intensity"] < before.loc[str(taiyuan.pk), "intensity"]
    assert after.loc[str(datong.pk), "net_co2_t"] == before.loc[str(datong.pk), "net_co2_t"]


SAVING_HEADER = (
    "统一社会信用代码,规划期,起始年,终止年,基准年,"
    "基准年综合能源消费量,节能量目标,累计节能量,截至年份\n"
)


def test_saving_targets_are_uploaded_all_or_nothing_audited_and_shown(client, world):
    taiyuan, datong = world["taiyuan"], world["datong"]
    client.force_login(world["users"][Role.CITY_OFFICIAL])
    upload = SimpleUploadedFile("t.csv", b"x", content_type="text/csv")
    assert client.post("/enterprises/saving-targets/", {"file": upload}).status_code == 403
    client.force_login(world["users"][Role.PROVINCE_ANALYST])
    bad = SAVING_HEADER + (
        f"{taiyuan.credit_code},15th,2026,2030,2025,120000,6000,1500,2027\n"
        f"{datong.credit_code},15th,2026,2024,2025,80000,4000,,2026\n"
        f"{datong.credit_code.lower()},14th,2021,2025,2020,80000,0,,2025\n"
    )
    response = client.post(
        "/enterprises/saving-targets/", {"file": SimpleUploadedFile("t.csv", bad.encode())}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "t.csv, row 3" in text and "end_year" in text and "row 4" in text
    assert "target_saving_tce" in text
    assert not EnergySavingTarget.objects.filter(plan="15th", enterprise=taiyuan).exists()
    good = (
        SAVING_HEADER + f"{taiyuan.credit_code.lower()},15th,2026,2030,2025,120000,6000,1500,2027\n"
    )
    response = client.post(
        "/enterprises/saving-targets/", {"file": SimpleUploadedFile("t.csv", good.encode())}
    )
    assert response.status_code == 302
    target = EnergySavingTarget.objects.get(plan="15th", enterprise=taiyuan)
    assert (target.target_saving_tce, target.achieved_saving_tce, target.as_of_year) == (
        6000,
        1500,
        2027,
    )
    entry = AuditEntry.objects.filter(object_type="enterprises.EnergySavingTarget").latest("pk")
    assert entry.after["targets"][0]["target_saving_tce"] == 6000
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    page = client.get(f"/enterprises/{taiyuan.pk}/").content.decode()
    assert 'id="saving-targets"' in page and "2026–2030" in page
