"""The meter pipeline's cleaning rules on crafted readings, and its errors for bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonctl.electricity.pipeline import SPIKE_FACTOR, aggregate, read_meters, write_aggregates
from carbonctl.errors import InputError, InputErrors

STEEL, URBAN = "A02.2.19", "B1"


def write_readings(path: Path, rows: list[tuple[int, str, float]]) -> Path:
    table = pa.table(
        {
            "meter_id": pa.array([r[0] for r in rows], pa.int64()),
            "ts": pa.array([pd.Timestamp(r[1]).to_datetime64() for r in rows], pa.timestamp("us")),
            "kwh": pa.array([r[2] for r in rows], pa.float64()),
        }
    )
    pq.write_table(table, path)
    return path


@pytest.fixture
def crafted(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """Meter 1 reads daily 100 kWh for ten days with a duplicate (3rd), a missing day (5th), a
    negative (7th) and a spike (8th); meter 2 reads four times a day for three days and misses
    one slot on the 2nd."""
    rows: list[tuple[int, str, float]] = []
    for day in range(1, 11):
        stamp = f"2024-01-{day:02d} 00:00"
        if day == 5:
            continue
        value = {7: -5.0, 8: 100.0 * SPIKE_FACTOR * 5}.get(day, 100.0)
        rows.append((1, stamp, value))
        if day == 3:
            rows.append((1, stamp, 100.0))
    for day in (1, 2, 3):
        for hour in (0, 6, 12, 18):
            if (day, hour) != (2, 12):
                rows.append((2, f"2024-01-0{day} {hour:02d}:00", 10.0))
    meters = pd.DataFrame(
        {"meter_id": [1, 2], "county": ["140105", "140105"], "industry": [STEEL, URBAN]}
    )
    return write_readings(tmp_path / "readings.parquet", rows), meters


def test_cleaning_rules_flag_and_impute(crafted):
    readings, meters = crafted
    result = aggregate(readings, meters)
    steel = result.day[result.day["industry"] == STEEL].set_index("day")
    assert len(steel) == 10  # the missing 5th is filled in
    assert (steel["kwh"] == 100.0).all()  # duplicate kept once; negative, spike, gap -> median
    assert steel["n_readings"].to_dict()[dt.date(2024, 1, 3)] == 2
    assert steel["n_readings"].to_dict()[dt.date(2024, 1, 5)] == 0
    flagged = steel["n_flagged"]
    assert flagged[flagged > 0].index.tolist() == [dt.date(2024, 1, d) for d in (3, 5, 7, 8)]
    urban = result.day[result.day["industry"] == URBAN].set_index("day")["kwh"]
    assert urban.tolist() == [40.0, 40.0, 40.0]  # the missing slot imputed at the median
    assert result.quality["flagged"] == {"duplicate": 1, "negative": 1, "spike": 1, "gap": 2}
    assert result.quality["readings"] == 9 + 1 + 11


def test_month_and_rollups_add_up(crafted):
    readings, meters = crafted
    result = aggregate(readings, meters)
    month = result.month.set_index(["industry", "month"])
    assert month.loc[(STEEL, "2024-01"), "kwh"] == 1000.0
    assert month.loc[(URBAN, "2024-01"), "n_flagged"] == 1
    regions = result.regions.set_index(["level", "region", "industry", "month"])["kwh"]
    assert regions[("province", "140000", "ALL", "2024-01")] == 1120.0
    assert regions[("city", "140100", STEEL, "2024-01")] == 1000.0
    assert regions[("county", "140105", "ALL", "2024-01")] == 1120.0


def test_outputs_are_written_with_the_contract_columns(crafted, tmp_path):
    readings, meters = crafted
    paths = write_aggregates(aggregate(readings, meters), tmp_path / "out")
    day = pq.read_table(paths["day"])
    assert day.column_names == ["county", "industry", "day", "kwh", "n_readings", "n_flagged"]
    assert pa.types.is_date(day.schema.field("day").type)
    month = pq.read_table(paths["month"])
    assert month.column_names == ["county", "industry", "month", "kwh", "n_readings", "n_flagged"]


def test_partitioned_folder_and_text_timestamps(tmp_path):
    folder = tmp_path / "readings"
    for month, days in (("2024-01", ("30", "31")), ("2024-02", ("01", "02"))):
        (folder / f"month={month}").mkdir(parents=True)
        table = pa.table(
            {
                "meter_id": pa.array([7, 7], pa.int64()),
                "ts": [f"{month}-{day} 00:00:00" for day in days],
                "kwh": [1.5, 2.5],
            }
        )
        pq.write_table(table, folder / f"month={month}" / "part-0.parquet")
    meters = pd.DataFrame({"meter_id": [7], "county": ["140212"], "industry": ["A06"]})
    result = aggregate(folder, meters)
    assert result.month.set_index("month")["kwh"].to_dict() == {"2024-01": 4.0, "2024-02": 4.0}


def test_days_missing_between_readings_are_imputed(tmp_path):
    path = write_readings(
        tmp_path / "r.parquet",
        [(7, "2024-01-01", 2.0), (7, "2024-01-02", 3.0), (7, "2024-01-06", 3.0)],
    )
    meters = pd.DataFrame({"meter_id": [7], "county": ["140212"], "industry": ["A06"]})
    result = aggregate(path, meters)
    assert result.day["kwh"].tolist() == [2.0, 3.0, 3.0, 3.0, 3.0, 3.0]  # median 3 for 3rd-5th
    assert result.quality["imputed_days"] == 3 and result.quality["flagged"]["gap"] == 3


def test_malformed_timestamp_is_named(tmp_path):
    path = tmp_path / "bad_ts.parquet"
    pq.write_table(
        pa.table(
            {"meter_id": [1, 1], "ts": ["2024-01-01 00:00", "2024-13-45 99:00"], "kwh": [1.0, 2.0]}
        ),
        path,
    )
    meters = pd.DataFrame({"meter_id": [1], "county": ["140105"], "industry": [STEEL]})
    with pytest.raises(InputError) as error:
        aggregate(path, meters)
    text = str(error.value)
    assert "bad_ts.parquet" in text and "'ts'" in text and "2024-13-45 99:00" in text


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        (pa.table({"meter_id": [1], "kwh": [1.0]}), "ts", "missing column 'ts'"),
        (
            pa.table({"meter_id": ["a"], "ts": [dt.datetime(2024, 1, 1)], "kwh": [1.0]}),
            "meter_id",
            "integer meter id",
        ),
        (
            pa.table({"meter_id": [1], "ts": [dt.datetime(2024, 1, 1)], "kwh": ["1"]}),
            "kwh",
            "number of kWh",
        ),
        (
            pa.table(
                {
                    "meter_id": [1],
                    "ts": pa.array([dt.datetime(2024, 1, 1)], pa.timestamp("us", tz="UTC")),
                    "kwh": [1.0],
                }
            ),
            "ts",
            "without a time zone",
        ),
    ],
)
def test_wrong_schema_names_file_and_column(tmp_path, table, column, expected):
    path = tmp_path / "wrong.parquet"
    pq.write_table(table, path)
    meters = pd.DataFrame({"meter_id": [1], "county": ["140105"], "industry": [STEEL]})
    with pytest.raises(InputError) as error:
        aggregate(path, meters)
    assert error.value.column == column and error.value.file == str(path)
    assert expected in str(error.value)


def test_meters_errors_name_row_and_column(tmp_path):
    path = tmp_path / "meters.csv"
    path.write_text(
        "meter_id,county,industry\n1,140105,A02.2.19\n2,149999,B1\nx,140105,A02.2.HE\n1,140212,A06\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as error:
        read_meters(path)
    found = {(e.row, e.column) for e in error.value.errors}
    assert found == {(3, "county"), (4, "meter_id"), (4, "industry"), (5, "meter_id")}
    assert "unknown county '149999'" in str(error.value)


def test_readings_of_unknown_meters_are_refused(crafted):
    readings, _ = crafted
    meters = pd.DataFrame({"meter_id": [1], "county": ["140105"], "industry": [STEEL]})
    with pytest.raises(InputError, match=r"meters not in the meters table: 2"):
        aggregate(readings, meters)


def test_wh_resolution_makes_sums_exact(tmp_path):
    """Readings at 15 minutes ending mid-day: the partial last day is not a gap."""
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 50, 2000).round(3)
    stamps = pd.date_range("2024-03-01", periods=2000, freq="15min")
    path = write_readings(
        tmp_path / "r.parquet", [(9, str(t), float(v)) for t, v in zip(stamps, values, strict=True)]
    )
    meters = pd.DataFrame({"meter_id": [9], "county": ["140105"], "industry": ["A04"]})
    result = aggregate(path, meters)
    assert result.month["kwh"].sum() == pytest.approx(values.sum(), abs=1e-9)


def test_a_failed_write_leaves_the_previous_files(crafted, tmp_path, monkeypatch):
    from carbonctl.electricity import pipeline

    readings, meters = crafted
    result = aggregate(readings, meters)
    out = tmp_path / "out"
    write_aggregates(result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def failing(table, path):
        calls.append(path)
        if len(calls) == 2:
            raise InputError("disk full", file=str(path))
        return table.to_parquet(path)

    monkeypatch.setattr(pipeline, "write_table", failing)
    changed = type(result)(
        day=result.day.assign(kwh=0.0),
        month=result.month,
        regions=result.regions,
        quality=result.quality,
    )
    with pytest.raises(InputError, match="disk full"):
        write_aggregates(changed, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no staging folder left


def test_meters_from_xlsx_with_blank_rows_keep_spreadsheet_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (
        ["meter_id", "county", "industry"],
        [1, "140105", "A02.2.19"],
        [None, None, None],
        [2, "149999", "B1"],
    ):
        sheet.append(row)
    book.save(tmp_path / "meters.xlsx")
    with pytest.raises(InputErrors) as error:
        read_meters(tmp_path / "meters.xlsx")
    assert [(e.row, e.column) for e in error.value.errors] == [(4, "county")]
