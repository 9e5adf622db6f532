"""Loading regions from the reference data into the database (idempotent)."""

from __future__ import annotations

from django.db import transaction

from carbonctl import refdata


def shanxi_regions() -> list[dict[str, str]]:
    """Shanxi and its cities and counties from the packaged reference table, parents first."""
    table = refdata.load_table("regions")
    shanxi = table[
        (table["adcode"] == refdata.PROVINCE) | (table["level"].isin(["city", "county"]))
    ]
    shanxi = shanxi[shanxi["adcode"].str.startswith(refdata.PROVINCE[:2])]
    order = {"province": 0, "city": 1, "county": 2}
    shanxi = shanxi.assign(rank=shanxi["level"].map(order)).sort_values(["rank", "adcode"])
    return [
        {
            "adcode": row.adcode,
            "level": row.level,
            "name_zh": row.name_zh,
            "name_en": row.name_en,
            "parent": None if row.level == "province" else row.parent_adcode,
            "status": row.status[:200],
            "source": row.source,
        }
        for row in shanxi.itertuples(index=False)
    ]


def sync_regions(region_model: type) -> int:
    """Create or update every Shanxi region; returns how many rows were written.

    Takes the model class so that a data migration can pass its historical model.
    """
    written = 0
    with transaction.atomic():
        for record in shanxi_regions():
            parent = record.pop("parent")
            region_model.objects.update_or_create(
                adcode=record["adcode"], defaults={**record, "parent_id": parent}
            )
            written += 1
    return written
