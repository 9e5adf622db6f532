"""The GB 17167-2006 equipping check (能源计量器具配备率): how many of an enterprise's metering
points have a meter of the required accuracy, per energy carrier and level, against the rates of
the standard (refdata ``meter_equipping_gb17167``, UNCONFIRMED values keep their flag)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carbonctl.refdata import load_table

__all__ = ["EquippingCheck", "check_equipping", "check_equipping_by", "equipping_requirements"]

#: Columns of :attr:`EquippingCheck.table`.
CHECK_COLUMNS = [
    "measures",
    "level",
    "points",
    "equipped",
    "inaccurate",
    "missing",
    "rate_pct",
    "required_rate_pct",
    "accuracy_class",
    "meets",
    "status",
]


def equipping_requirements() -> pd.DataFrame:
    """carrier, level, required_rate_pct, accuracy_class (numbers), status and source."""
    table = load_table("meter_equipping_gb17167")
    table["required_rate_pct"] = table["required_rate_pct"].astype(float)
    table["accuracy_class"] = table["accuracy_class"].astype(float)
    return table


@dataclass(frozen=True)
class EquippingCheck:
    """One enterprise's equipping per carrier and level (``table``, :data:`CHECK_COLUMNS`) and
    whether every requirement is met. ``unconfirmed``: a requirement used is UNCONFIRMED."""

    table: pd.DataFrame

    @property
    def meets(self) -> bool:
        return bool(self.table["meets"].all())

    @property
    def shortfalls(self) -> pd.DataFrame:
        return self.table[~self.table["meets"]]

    @property
    def unconfirmed(self) -> bool:
        return bool(self.table["status"].str.contains("UNCONFIRMED").any())


def check_equipping(points: pd.DataFrame, meters: pd.DataFrame) -> EquippingCheck:
    """Equipping rate of each (carrier, level) with a GB 17167-2006 requirement.

    ``points``: the metering points the enterprise needs (point, measures, level) — the
    理论需要量 of the standard; ``meters``: its meters (point, accuracy_class). A point is
    equipped when a meter at it has an accuracy class no worse (not larger) than required.

        配备率 = equipped points / needed points × 100   (GB 17167-2006 clause 3.x, Table 3)

    The requirement is met when the rate reaches the required rate. Flows without a requirement
    (emission flows, carriers the standard does not list at that level) are left out.
    """
    return EquippingCheck(_equipping_table(points, meters, []))


def check_equipping_by(
    points: pd.DataFrame, meters: pd.DataFrame, by: str
) -> dict[object, EquippingCheck]:
    """:func:`check_equipping` of many enterprises at once: ``points`` and ``meters`` carry the
    column ``by`` (the enterprise) and a point code is unique within it. One grouped
    computation instead of one per enterprise; an enterprise without points is absent."""
    table = _equipping_table(points, meters, [by])
    return {
        key: EquippingCheck(part[CHECK_COLUMNS].reset_index(drop=True))
        for key, part in table.groupby(by, sort=False)
    }


def _equipping_table(points: pd.DataFrame, meters: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rules = equipping_requirements().rename(columns={"carrier": "measures"})
    point = [*keys, "point"]
    table = points[[*point, "measures", "level"]].drop_duplicates(point)
    table = table.merge(rules, on=["measures", "level"], how="inner")
    if len(meters):
        best = meters.groupby(point, as_index=False)["accuracy_class"].min()
        table = table.merge(
            best.rename(columns={"accuracy_class": "meter_class"}), on=point, how="left"
        )
    else:
        table = table.assign(meter_class=float("nan"))
    accuracy = table["meter_class"]
    table = table.assign(
        has_meter=accuracy.notna(),
        equipped=accuracy.notna() & (accuracy <= table["accuracy_class"] + 1e-9),
    )
    grouped = table.groupby([*keys, "measures", "level"], sort=True)
    out = grouped.agg(
        points=("point", "size"),
        equipped=("equipped", "sum"),
        has_meter=("has_meter", "sum"),
        required_rate_pct=("required_rate_pct", "first"),
        accuracy_class=("accuracy_class", "first"),
        status=("status", "first"),
    ).reset_index()
    out["inaccurate"] = out["has_meter"] - out["equipped"]
    out["missing"] = out["points"] - out["has_meter"]
    out["rate_pct"] = out["equipped"] / out["points"] * 100.0
    out["meets"] = out["rate_pct"] + 1e-9 >= out["required_rate_pct"]
    # rows in the order of the standard's table (electricity first), not alphabetical
    order = {key: i for i, key in enumerate(zip(rules["measures"], rules["level"], strict=True))}
    out["order"] = [order[key] for key in zip(out["measures"], out["level"], strict=True)]
    out = out.sort_values([*keys, "order"], kind="stable")
    return out[[*keys, *CHECK_COLUMNS]].reset_index(drop=True)
