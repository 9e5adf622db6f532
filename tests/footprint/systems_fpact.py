"""Small product systems solved by hand for the study, grading, PACT, CBAM and report tests.

Coke (per t): 1.3 t coking coal (CO2 20 kg/t, CH4 fossil 1 kg/t), 40 kWh of grid electricity
(CO2 0.8 kg/kWh) and 300 kg CO2 at the coke oven. AR6 (CH4 fossil 29.8):
coal 1.3 × (20 + 29.8) = 64.74, electricity 40 × 0.8 = 32, coke oven 300 -> 396.74 kgCO2e/t;
AR5 (CH4 fossil 30): 65 + 32 + 300 = 397.
"""

from __future__ import annotations

import pandas as pd

from carbonctl.footprint.system import System, system_from_tables

COKE_AR6 = 1.3 * (20 + 29.8) + 40 * 0.8 + 300
COKE_AR5 = 1.3 * (20 + 30) + 40 * 0.8 + 300


def coke_tables(*, stage: str = "production") -> tuple[pd.DataFrame, pd.DataFrame]:
    processes = pd.DataFrame(
        [
            ("coke", "焦炭 coke", "t", "CN-SX", stage, "foreground", "plant meter", ""),
            ("coal", "炼焦煤 coking coal", "t", "CN", "", "material", "test source", "UNCONFIRMED"),
            (
                "elec",
                "电网电力 grid electricity",
                "kWh",
                "CN-SX",
                "",
                "electricity",
                "grid",
                "CONFIRMED",
            ),
        ],
        columns=["id", "name", "unit", "location", "stage", "category", "source", "status"],
    )
    exchanges = pd.DataFrame(
        [
            ("coke", "coal", 1.3, "t", "technosphere"),
            ("coke", "elec", 0.04, "MWh", "technosphere"),
            ("coke", "CO2", 0.3, "t", "biosphere"),
            ("coal", "CO2", 20, "kg", "biosphere"),
            ("coal", "CH4 fossil", 1, "kg", "biosphere"),
            ("elec", "CO2", 0.8, "kg", "biosphere"),
        ],
        columns=["consumer", "input", "amount", "unit", "type"],
    )
    return processes, exchanges


def coke_system() -> System:
    return system_from_tables(*coke_tables(), name="coke")


def grave_system() -> System:
    """Coke's life cycle: 1 t coke, its use (burning: 3000 kg CO2 per t) and end of life (ash
    to landfill: 5 kg CO2e per t) under one 'life' process."""
    processes, exchanges = coke_tables()
    processes = pd.concat(
        [
            processes,
            pd.DataFrame(
                [
                    ("life", "焦炭生命周期", "t", "", "", "", "", ""),
                    ("use", "焦炭使用", "t", "", "use", "", "", ""),
                    ("eol", "灰渣填埋", "t", "", "end_of_life", "", "", ""),
                ],
                columns=processes.columns,
            ),
        ],
        ignore_index=True,
    )
    exchanges = pd.concat(
        [
            exchanges,
            pd.DataFrame(
                [
                    ("life", "coke", 1, "t", "technosphere"),
                    ("life", "use", 1, "t", "technosphere"),
                    ("life", "eol", 1, "t", "technosphere"),
                    ("use", "CO2", 3, "t", "biosphere"),
                    ("eol", "CO2e", 5, "kg", "biosphere"),
                ],
                columns=exchanges.columns,
            ),
        ],
        ignore_index=True,
    )
    return system_from_tables(processes, exchanges, name="coke life cycle")
