"""Reading the CEADs-layout inventory (区域清单): sectors by name or number, the cement process
row, energy and non-energy use, and located errors."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.demo import INVENTORY, demo_file
from carbonctl.io import INVENTORY_COLUMNS, read_inventory, validate_inventory

HEADER = ["region", "period", "sector", "fuel", "amount", "unit", "use"]


def test_sectors_by_name_or_number_and_the_process_row(write_csv):
    path = write_csv(
        [
            ["山西省", "2019", "Coal Mining and Dressing", "原煤", '"1,976,770.7"', "t", ""],
            ["山西省", "2019", "39", "Natural_Gas", "401.4", "万Nm3", "能源"],
            [
                "山西省",
                "2019",
                "smelting and pressing of ferrous metals",
                "焦炭",
                "5",
                "万吨",
                "原料",
            ],
            ["山西省", "2019", "", "水泥", "4982.4", "万吨", ""],
            ["140000", "2019", "Nonmetal Mineral Products", "Process", "1", "t", ""],
        ],
        header=HEADER,
        name="inventory.csv",
    )
    table = read_inventory(path)
    assert list(table.columns) == INVENTORY_COLUMNS
    assert table["row_id"].tolist() == [2, 3, 4, 5, 6]
    assert table["sector_index"].tolist() == [2, 39, 28, 0, 27]
    assert table["sector"].tolist()[:3] == [
        "Coal Mining and Dressing",
        "Production and Supply of Electric Power, Steam and Hot Water",
        "Smelting and Pressing of Ferrous Metals",
    ]
    assert pd.isna(table["sector"].iloc[3])
    assert table["use"].tolist() == ["energy", "energy", "non-energy", "energy", "energy"]
    assert table["amount"].iloc[0] == pytest.approx(1976770.7)
    assert table["period"].tolist() == ["2019"] * 5
    assert table.attrs["source_file"] == str(path)


def test_chinese_headers():
    frame = pd.DataFrame(
        {
            "地区": ["山西"],
            "期间": ["2019"],
            "行业": ["Urban"],
            "能源品种": ["液化石油气"],
            "数量": [12.5],
            "单位": ["万吨"],
            "用途": ["燃料"],
        }
    )
    table = validate_inventory(frame)
    assert table[["sector_index", "fuel", "use"]].iloc[0].tolist() == [46, "液化石油气", "energy"]


def test_the_demo_inventory_reads():
    table = read_inventory(demo_file(INVENTORY))
    assert len(table) == 282
    assert set(table["sector_index"]) <= set(range(1, 48))
    assert table.loc[table["fuel"] == "水泥", "sector_index"].tolist() == [27]


def _error(errors_of, path):
    errors = errors_of(lambda: read_inventory(path)).errors
    assert len(errors) == 1, errors
    return errors[0]


def test_unknown_sector_lists_the_closest_sectors(write_csv, errors_of):
    path = write_csv([["山西省", "2019", "Coal Mining", "原煤", "1", "t", ""]], header=HEADER)
    error = _error(errors_of, path)
    text = str(error)
    assert (error.row, error.column) == (2, "sector") and path.name in text
    assert "unknown CEADs sector 'Coal Mining'" in text
    assert "Coal Mining and Dressing" in text and "number 1–47" in text


@pytest.mark.parametrize("sector", ["0", "48"])
def test_sector_number_out_of_range(write_csv, errors_of, sector):
    path = write_csv([["山西省", "2019", sector, "原煤", "1", "t", ""]], header=HEADER)
    assert _error(errors_of, path).column == "sector"


def test_blank_sector_is_only_allowed_on_the_process_row(write_csv, errors_of):
    path = write_csv([["山西省", "2019", "", "原煤", "1", "t", ""]], header=HEADER)
    error = _error(errors_of, path)
    assert (error.row, error.column) == (2, "sector") and "sector is blank" in str(error)


def test_unknown_fuel(write_csv, errors_of):
    path = write_csv([["山西省", "2019", "Urban", "天燃气", "1", "万Nm3", ""]], header=HEADER)
    error = _error(errors_of, path)
    assert (error.row, error.column) == (2, "fuel")
    assert "closest matches: 天然气" in str(error)


def test_process_row_needs_a_mass(write_csv, errors_of):
    path = write_csv([["山西省", "2019", "", "水泥", "1", "万Nm3", ""]], header=HEADER)
    error = _error(errors_of, path)
    assert (error.row, error.column) == (2, "unit") and "a mass unit for cement" in str(error)


def test_unknown_use(write_csv, errors_of):
    path = write_csv([["山西省", "2019", "Urban", "原煤", "1", "t", "发电"]], header=HEADER)
    error = _error(errors_of, path)
    assert (error.row, error.column) == (2, "use") and "unknown use '发电'" in str(error)


def test_region_is_required_and_must_be_known(write_csv, errors_of):
    path = write_csv(
        [
            ["", "2019", "Urban", "原煤", "1", "t", ""],
            ["火星", "2019", "Urban", "原煤", "1", "t", ""],
        ],
        header=HEADER,
    )
    errors = errors_of(lambda: read_inventory(path)).errors
    assert [(e.row, e.column) for e in errors] == [(2, "region"), (3, "region")]
    assert "region is blank" in str(errors[0]) and "unknown region '火星'" in str(errors[1])
