"""Build the demo's sector × fuel table for Shanxi 2019 from the CEADs 2019 inventory.

Physical quantities are back-calculated: amount = CEADs cell (MtCO2) / emission factor of the fuel
in the GB/T 32150-2015 set, so `carbonctl inventory` on the file reproduces the CEADs matrix. The
quantities are therefore DERIVED, not statistics. Raw coal and other coking products have no
default parameters; the demo gives them explicitly (``carbonctl.demo.params.DEMO_PARAMETERS``,
shared with the synthetic dataset). Process (cement) is given as cement output = Process / 0.2906
t/t. Run: ``python scripts/build_demo.py [SHARED_REFDATA_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.combustion import CO2_PER_C
from carbonctl.demo.params import CEADS_TO_FUEL, DEMO_PARAMETERS, cement_factor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "carbonctl" / "demo" / "data" / "shanxi_inventory_2019.csv"


def main(argv: list[str]) -> None:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "refdata"
    ceads = pd.read_csv(shared / "ceads" / "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv")
    ceads = ceads[ceads["sector"] != "TotalEmissions"]
    defaults = refdata.fuel_factors("GB/T 32150-2015")
    cement = cement_factor()
    units = refdata.load_table("fuels").set_index("name_zh")["physical_unit"]
    records = []
    for _, cell in ceads.iterrows():
        for column, fuel in CEADS_TO_FUEL.items():
            mt = float(cell[column])
            if mt == 0:
                continue
            if fuel in DEMO_PARAMETERS:
                ncv, cc, of = DEMO_PARAMETERS[fuel]
            else:
                row = defaults.loc[refdata.find_fuel(fuel).fuel_id]
                ncv, cc, of = row["ncv_GJ_per_unit"], row["cc_tC_per_GJ"], row["oxidation_rate"]
            ef = ncv * cc * of * CO2_PER_C  # tCO2 per t or per 10^4 Nm3
            unit = "万Nm3" if units[fuel] == "10^4 Nm3" else "t"
            given = fuel in DEMO_PARAMETERS
            records.append(
                {
                    "region": "山西省",
                    "period": "2019",
                    "sector": cell["sector"],
                    "fuel": fuel,
                    "amount": round(mt * 1e6 / ef, 3),
                    "unit": unit,
                    "use": "energy",
                    "ncv": ncv if given else "",
                    "carbon_content": cc if given else "",
                    "oxidation_rate": of if given else "",
                }
            )
        if float(cell["Process"]) > 0:
            records.append(
                {
                    "region": "山西省",
                    "period": "2019",
                    "sector": cell["sector"],
                    "fuel": "水泥",
                    "amount": round(float(cell["Process"]) * 1e6 / cement, 3),
                    "unit": "t",
                    "use": "energy",
                    "ncv": "",
                    "carbon_content": "",
                    "oxidation_rate": "",
                }
            )
    # Coal used as chemical feedstock: listed to show that non-energy use is excluded, as in CEADs.
    records.append(
        {
            "region": "山西省",
            "period": "2019",
            "sector": "Raw Chemical Materials and Chemical Products",
            "fuel": "原煤",
            "amount": 500000.0,
            "unit": "t",
            "use": "非能源",
            "ncv": 20.908,
            "carbon_content": 0.0261,
            "oxidation_rate": 0.93,
        }
    )
    frame = pd.DataFrame(records)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(OUT, index=False)
    print(f"{len(frame)} rows written to {OUT}")


if __name__ == "__main__":
    main(sys.argv)
