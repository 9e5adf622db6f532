"""The demo's key units (演示重点单位, inside ``load_demo_control``'s transaction): the 2023 and
2024 registries derived by the province administrator.

The demo reporter's enterprise files its own year's fuel use (estimated from its county sector,
:mod:`carbonctl.demo.keyunits`) as a submission that the reviewer approves, so its figures come
the platform's way; the other demo enterprises, which file nothing, get the same estimate
written directly (source: 演示数据). Value added (for the grades) and the 14th plan's
energy-saving targets of the key energy-using units are synthetic."""

from __future__ import annotations

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonctl.accounting import account
from carbonctl.demo import keyunits as demo
from carbonctl.demo import params
from carbonctl.web.enterprises import services
from carbonctl.web.enterprises.models import Designation, EnergySavingTarget, Enterprise, UnitYear

#: The years whose registry the demo derives (when the demo's inventory has them).
YEARS = (2023, 2024)
SEED = 20240101
DEMO_SOURCE = "演示数据：按所在县行业清单推算 (synthetic demo estimate from county sector cells)"
_SUBMISSION_COLUMNS = [
    "subject",
    "period",
    "category",
    "item",
    "amount",
    "unit",
    "ncv",
    "carbon_content",
    "oxidation_rate",
]


def _cells(years: list[int], dataset: str) -> pd.DataFrame:
    from carbonctl.web.inventories.models import InventoryCell

    sectors = set(Enterprise.objects.values_list("sector", flat=True))
    rows = InventoryCell.objects.filter(
        dataset__code=dataset, year__in=years, sector__in=sectors
    ).values_list("region_id", "year", "sector", "fuel", "amount", "unit", "tco2")
    columns = ["adcode", "year", "sector", "fuel", "amount", "unit", "tco2"]
    return pd.DataFrame(list(rows), columns=columns)


def _submit_own(users: dict, enterprise: Enterprise, rows: pd.DataFrame, year: int) -> None:
    from carbonctl.web.submissions import services as submissions

    table = rows.assign(subject=enterprise.name_zh)[_SUBMISSION_COLUMNS]
    upload = SimpleUploadedFile(
        f"demo-{enterprise.credit_code}-{year}.csv", table.to_csv(index=False).encode()
    )
    made = submissions.submit(
        users["reporter"], upload, enterprise=enterprise, factor_set_code=params.DEMO_FACTOR_SET
    )
    submissions.review(users["reviewer"], made, approve=True, note="演示：年度能源消费报告审核通过")


def _estimates(activities: pd.DataFrame) -> dict[tuple[int, int], dict]:
    """Per (enterprise id, year): energy, CO2 and the report breakdown of the demo rows."""
    combustion = activities[activities["category"] == "combustion"]
    accounted = account(combustion, factor_set=params.DEMO_FACTOR_SET).rows
    out: dict[tuple[int, int], dict] = {}
    for r in accounted.itertuples(index=False):
        key = (int(r.subject), int(r.period))
        unit = out.setdefault(
            key, {"energy_tce": 0.0, "co2_t": 0.0, "categories": {}, "carriers": []}
        )
        unit["energy_tce"] += float(r.tce)
        unit["co2_t"] += float(r.tco2)
        category = unit["categories"].setdefault("combustion", {"tco2": 0.0, "tce": 0.0})
        category["tco2"] += float(r.tco2)
        category["tce"] += float(r.tce)
        unit["carriers"].append(
            {
                "category": "combustion",
                "item": r.item,
                "unit": r.unit,
                "amount": float(r.amount),
                "tce": float(r.tce),
                "tco2": float(r.tco2),
            }
        )
    for r in activities[activities["category"] == "process"].itertuples(index=False):
        unit = out.get((int(r.subject), int(r.period)))
        if unit is not None:
            unit["co2_t"] += float(r.amount)
            unit["categories"]["process"] = {"tco2": float(r.amount), "tce": 0.0}
    return out


def load_demo_key_units(users: dict, *, dataset: str = "demo-shanxi") -> dict[str, int]:
    """Derive the demo's key-unit registries of :data:`YEARS` (those the demo inventory
    ``dataset`` — ``carbonctl.web.demo.DATASET`` — holds), by the demo users; returns counts
    (``key_energy_users_<year>``, ``ets_units_<year>``, ``saving_targets``)."""
    cells = _cells(list(YEARS), dataset)
    years = sorted(set(cells["year"].astype(int)) & set(YEARS)) if len(cells) else []
    if not years:
        return {"key_units": 0}
    enterprises = pd.DataFrame(
        list(Enterprise.objects.values_list("id", "county_id", "sector")),
        columns=["enterprise", "adcode", "sector"],
    )
    activities = demo.demo_activities(cells, enterprises)
    own = users["reporter"].profile.enterprise
    mine = activities["subject"] == own.pk
    for year in years:
        rows = activities[mine & (activities["period"] == str(year))]
        _submit_own(users, own, rows[rows["category"] == "combustion"], year)
    UnitYear.objects.bulk_create(
        [
            UnitYear(
                enterprise_id=enterprise_id,
                year=year,
                energy_tce=f["energy_tce"],
                co2_t=f["co2_t"],
                source=DEMO_SOURCE,
                details={"categories": f["categories"], "carriers": f["carriers"]},
            )
            for (enterprise_id, year), f in _estimates(activities[~mine]).items()
        ]
    )
    counts: dict[str, int] = {}
    for year in years:
        derived = services.derive_key_units(users["admin"], year)
        counts[f"key_energy_users_{year}"] = derived["key_energy_user"]
        counts[f"ets_units_{year}"] = derived["ets_unit"]
        units = list(UnitYear.objects.filter(year=year).order_by("enterprise_id"))
        added = demo.demo_value_added(pd.Series([u.co2_t for u in units]), SEED + year)
        for unit, value in zip(units, added, strict=True):
            unit.value_added_10k_cny = float(value)
        UnitYear.objects.bulk_update(units, ["value_added_10k_cny"])
    latest = years[-1]
    key = Designation.objects.filter(year=latest, kind=Designation.Kind.KEY_ENERGY_USER)
    energy = pd.Series(dict(key.values_list("enterprise_id", "energy_tce")), dtype=float)
    targets = demo.demo_saving_targets(energy.sort_index(), latest, SEED)
    EnergySavingTarget.objects.bulk_create(
        [
            EnergySavingTarget(
                enterprise_id=int(enterprise_id),
                source=DEMO_SOURCE,
                **{k: (float(v) if isinstance(v, float) else v) for k, v in row.items()},
            )
            for enterprise_id, row in targets.to_dict("index").items()
        ]
    )
    counts["saving_targets"] = len(targets)
    return counts
