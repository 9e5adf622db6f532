"""Synthetic meter data (合成电表数据) for Shanxi's counties, by what it makes: the monthly
``plan``, ``meters`` (电能表档案), ``readings`` (抄表数据, month-partitioned Parquet with injected
anomalies) and plant ``dispatch`` (调度数据); ``profiles`` holds how each sector behaves. Every
number that shapes the data is a synthetic assumption; ``readings`` gives a reading's formula."""

from carbonctl.demo.meters.dispatch import (
    daily_generation,
    synth_dispatch,
    synth_units,
    write_dispatch,
)
from carbonctl.demo.meters.folder import MeterFolder, write_meter_folder
from carbonctl.demo.meters.meters import synth_meters
from carbonctl.demo.meters.plan import default_targets, meter_plan
from carbonctl.demo.meters.profiles import (
    DEFAULT_PLAN,
    DISPATCH_SCHEMA,
    FREQUENCIES,
    LOAD_SHAPES,
    PROFILES,
    READING_SCHEMA,
    VOLTAGE_LEVELS,
    SectorProfile,
    county_codes,
    profile_of,
)
from carbonctl.demo.meters.readings import AnomalyRates, SynthManifest, write_readings

__all__ = [
    "DEFAULT_PLAN",
    "DISPATCH_SCHEMA",
    "FREQUENCIES",
    "LOAD_SHAPES",
    "PROFILES",
    "READING_SCHEMA",
    "VOLTAGE_LEVELS",
    "AnomalyRates",
    "MeterFolder",
    "SectorProfile",
    "SynthManifest",
    "county_codes",
    "daily_generation",
    "default_targets",
    "meter_plan",
    "profile_of",
    "synth_dispatch",
    "synth_meters",
    "synth_units",
    "write_dispatch",
    "write_meter_folder",
    "write_readings",
]
