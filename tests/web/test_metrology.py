"""The metrology app (issue 18 part 3): the import of a meter register is all or nothing with
every error located, audited, and allowed only within the importer's scope (a reporter for its
own enterprise); the page and the enterprise section show only the meters in scope; an overdue
calibration raises the calibration_overdue warning for the enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carbonctl.errors import InputError, InputErrors
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.metrology import services
from carbonctl.web.metrology.models import Calibration, Meter, MeteringPoint
from carbonctl.web.warnings import services as warnings
from carbonctl.web.warnings.models import Warning

pytestmark = pytest.mark.django_db

HEADER = (
    "meter_id,enterprise,measures,level,accuracy_class,installed_on,certificate,calibrated_on,"
    "due_on,point\n"
)


def register(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def line(meter: str, enterprise, *, measures="电力", level="进出用能单位", klass="0.5",
         calibrated="2025-03-01", due="2026-02-28", point="") -> str:  # fmt: skip
    return (
        f"{meter},{enterprise.credit_code},{measures},{level},{klass},2020-01-01,JD-{meter},"
        f"{calibrated},{due},{point}"
    )


def upload(client, user, content: bytes, name: str = "meters.csv"):
    client.force_login(user)
    return client.post(
        "/metrology/import/", {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


@pytest.fixture
def world(province):
    """``province`` with meters: two at the Taiyuan steelworks (one overdue, one valid), one at
    Qingxu (due soon) and one at Datong (valid), imported by the province analyst."""
    today = timezone.localdate()
    soon = (today + dt.timedelta(days=10)).isoformat()
    later = (today + dt.timedelta(days=200)).isoformat()
    past = (today - dt.timedelta(days=40)).isoformat()
    taiyuan, qingxu, datong = province["taiyuan"], province["qingxu"], province["datong"]
    content = register(
        line("TY-1", taiyuan, calibrated="2023-01-01", due=past),
        line("TY-2", taiyuan, measures="coal", level="主要用能设备", due=later),
        line("QX-1", qingxu, measures="天然气", due=soon),
        line("DT-1", datong, due=later),
    )
    analyst = province["users"][Role.PROVINCE_ANALYST]
    result = services.import_meters(analyst, _frame(content), file_name="meters.csv")
    return {**province, "result": result, "today": today}


def _frame(content: bytes):
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)


def test_import_writes_points_meters_calibrations_and_one_audit_entry(world):
    assert world["result"] == services.ImportResult(4, 0, 4, 3)
    meter = Meter.objects.get(meter_id="TY-2")
    assert meter.point.measures == "coal" and meter.point.level == "equipment"
    assert meter.due_on == world["today"] + dt.timedelta(days=200)
    assert MeteringPoint.objects.count() == 4 and Calibration.objects.count() == 4
    entry = AuditEntry.objects.get(object_type="metrology.Meter")
    assert entry.username == "analyst" and entry.after["meters"] == ["DT-1", "QX-1", "TY-1", "TY-2"]
    # a new calibration of a meter adds to its history and moves its due date
    later = (world["today"] + dt.timedelta(days=400)).isoformat()
    again = services.import_meters(
        world["users"][Role.PROVINCE_ADMIN],
        _frame(register(line("TY-1", world["taiyuan"], calibrated="2026-01-05", due=later))),
        file_name="again.csv",
    )
    assert again == services.ImportResult(0, 1, 1, 1)
    ty1 = Meter.objects.get(meter_id="TY-1")
    assert ty1.calibrations.count() == 2 and ty1.due_on.isoformat() == later


def test_a_bad_file_imports_nothing_and_names_file_row_column_and_what_was_expected(client, world):
    admin = world["users"][Role.PROVINCE_ADMIN]
    audited = AuditEntry.objects.filter(object_type="metrology.Meter")
    before = (Meter.objects.count(), audited.count())
    content = register(
        line("NEW-1", world["datong"]),
        line("NEW-2", world["datong"], measures="柴火"),
        line("NEW-3", world["datong"], level="车间"),
    )
    response = upload(client, admin, content, name="台账.csv")
    assert response.status_code == 422
    page = response.content.decode()
    assert "台账.csv" in page and "row 3" in page and "measures" in page and "电力" in page
    assert "row 4" in page and "level" in page
    assert "/tmp" not in page  # the server's path never shows
    assert (Meter.objects.count(), audited.count()) == before
    assert not Meter.objects.filter(meter_id="NEW-1").exists()


def test_the_upload_page_imports_a_good_file(client, world):
    response = upload(
        client, world["users"][Role.PROVINCE_ADMIN], register(line("DT-9", world["datong"]))
    )
    assert response.status_code == 200 and "新增 1 台" in response.content.decode()
    assert Meter.objects.filter(meter_id="DT-9", enterprise=world["datong"]).exists()


def test_a_reporter_imports_for_its_own_enterprise_only(client, world):
    reporter = world["users"][Role.ENTERPRISE_REPORTER]
    with pytest.raises(InputErrors) as caught:
        services.import_meters(
            reporter,
            _frame(register(line("OWN-1", world["taiyuan"]), line("X-1", world["qingxu"]))),
            file_name="mine.csv",
        )
    (error,) = caught.value.errors
    assert (error.file, error.row, error.column) == ("mine.csv", 3, "enterprise")
    assert "outside" in error.detail
    assert not Meter.objects.filter(meter_id="OWN-1").exists()
    own = register(line("OWN-1", world["taiyuan"])).replace(
        world["taiyuan"].credit_code.encode(), world["taiyuan"].credit_code.lower().encode()
    )  # a code as typed in lower case is the same enterprise
    response = upload(client, reporter, own)
    assert response.status_code == 200
    assert Meter.objects.get(meter_id="OWN-1").enterprise == world["taiyuan"]


@pytest.mark.parametrize("role", [Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL, Role.REVIEWER])
def test_roles_without_meter_management_may_not_import(client, world, role):
    user = world["users"][role]
    with pytest.raises(InputError, match="may not import"):
        services.import_meters(user, _frame(register(line("Z-1", world["taiyuan"]))))
    client.force_login(user)
    assert client.get("/metrology/import/").status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY, user=user).exists()


def test_the_page_shows_only_the_meters_in_scope(client, world):
    users = world["users"]
    client.force_login(users[Role.ENTERPRISE_REPORTER])
    page = client.get("/metrology/").content.decode()
    assert "TY-1" in page and "QX-1" not in page and "示例清徐焦化" not in page
    assert "示例大同电厂" not in page
    client.force_login(users[Role.CITY_OFFICIAL])  # Taiyuan: both Taiyuan enterprises
    response = client.get("/metrology/")
    page = response.content.decode()
    assert "示例太原钢铁" in page and "示例清徐焦化" in page and "示例大同电厂" not in page
    assert "QX-1" in page and "TY-1" in page  # due soon and overdue
    assert response.context["overdue"] == 1 and response.context["due_soon"] == 1
    client.force_login(users[Role.PROVINCE_ADMIN])
    response = client.get("/metrology/")
    assert response.context["total"] == 4 and "示例大同电厂" in response.content.decode()
    assert len(response.context["city_rows"]) == 2
    assert client.get("/metrology/?city=140200").context["total"] == 1
    client.force_login(users[Role.PUBLIC])
    assert client.get("/metrology/").status_code == 404


def test_the_enterprise_section_shows_meters_status_and_equipping(client, world):
    client.force_login(world["users"][Role.COUNTY_OFFICIAL])
    page = client.get(f"/enterprises/{world['taiyuan'].pk}/").content.decode()
    assert 'id="metrology"' in page and "TY-1" in page and "检定超期" in page
    assert "能源计量器具配备率" in page
    # another county's enterprise stays out of reach
    assert client.get(f"/enterprises/{world['datong'].pk}/").status_code == 404


def test_equipping_counts_points_without_a_meter_as_missing(world):
    MeteringPoint.objects.create(
        enterprise=world["taiyuan"], code="ELEC-E9", measures="electricity", level="equipment"
    )
    check = services.equipping_for(world["taiyuan"])
    table = check.table.set_index(["measures", "level"])
    assert table.loc[("electricity", "equipment"), "missing"] == 1
    assert table.loc[("coal", "equipment"), "rate_pct"] == 100.0
    assert not check.meets


def test_an_overdue_calibration_raises_the_warning_for_its_enterprise(client, world):
    as_of = world["today"]
    found = [
        f
        for f in warnings.evaluate(as_of.year, as_of=as_of)
        if f.warning.rule == "calibration_overdue"
    ]
    levels = {f.warning.subject: f.warning.level.value for f in found}
    assert levels == {world["taiyuan"].credit_code: "red", world["qingxu"].credit_code: "yellow"}
    warnings.publish(found, year=as_of.year, month=None, user=world["users"][Role.PROVINCE_ADMIN])
    stored = Warning.objects.get(rule_id_text="calibration_overdue", level="red")
    assert stored.enterprise == world["taiyuan"] and stored.region_id == "140105"
    assert stored.subject_kind == Warning.SubjectKind.ENTERPRISE
    assert "TY-1" in stored.message
    # the reporter of that enterprise sees it, with its details in words, not keys
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    page = client.get(f"/en/warnings/{stored.pk}/").content.decode()
    assert "Meter" in page and "Calibration valid to" in page and ">meters<" not in page
    client.force_login(world["users"][Role.PROVINCE_ADMIN])
    form = client.get("/warnings/rules/calibration_overdue/edit/").content.decode()
    assert "说明模板：检定超期" in form and "到期前多少天起黄色预警" in form  # cells named


def test_the_excel_export_has_the_meters_in_scope_with_their_words(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(world["users"][Role.CITY_OFFICIAL])
    response = client.get("/metrology/meters.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "计量器具编号"
    assert sorted(r[3] for r in rows[1:]) == ["QX-1", "TY-1", "TY-2"]  # not Datong's
    overdue = next(r for r in rows[1:] if r[3] == "TY-1")
    assert overdue[4] == "电力" and overdue[9] == "检定超期"


def test_tiers_of_last_year_follow_the_unit_meters_calibration(client, world):
    year = world["today"].year - 1
    covering = services.import_meters(
        world["users"][Role.PROVINCE_ADMIN],
        _frame(
            register(
                line(
                    "TY-G",
                    world["taiyuan"],
                    measures="natural_gas",
                    calibrated=f"{year}-01-01",
                    due=f"{year}-12-31",
                ),
                line(
                    "TY-S",
                    world["taiyuan"],
                    measures="steam",
                    calibrated=f"{year}-01-02",
                    due=f"{year + 1}-06-30",
                ),
            )
        ),
    )
    assert covering.created == 2
    MeteringPoint.objects.create(
        enterprise=world["taiyuan"], code="W-1", measures="water", level="unit"
    )
    tiers = services.tiers_for(world["taiyuan"], year).set_index("measures")["tier"].to_dict()
    assert tiers["natural_gas"] == "metered_calibrated"  # due on the year's last day
    assert tiers["steam"] == "metered"  # calibrated a day after the year began
    assert tiers["water"] == "estimated"  # a point without a meter
    assert "coal" not in tiers  # TY-2 measures coal at equipment level, not the unit's
    client.force_login(world["users"][Role.ENTERPRISE_REPORTER])
    page = client.get(f"/enterprises/{world['taiyuan'].pk}/").content.decode()
    assert 'data-tier="estimated"' in page and "估算（无计量器具）" in page
