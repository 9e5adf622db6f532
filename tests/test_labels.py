"""Labels as data: every key of every registry the platform shows has a Chinese and an English
name, and the list of internal keys a page must not show is generated from the registries."""

from __future__ import annotations

import re

import pytest

from carbonctl import labels, refdata
from carbonctl.accounting import CATEGORIES
from carbonctl.errors import UnknownNameError
from carbonctl.labels import internal_keys, label, label_table
from carbonctl.targets.methods import METHODS
from carbonctl.warning.model import Level

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("kind", list(labels.LABEL_KINDS))
def test_every_kind_has_a_chinese_name_for_each_key(kind):
    table = label_table(kind)
    assert len(table) > 0
    missing = table.index[~table["name_zh"].map(lambda n: bool(CJK.search(n)))]
    # adcodes of the regions table outside China's names are all Chinese too
    assert list(missing) == []


def test_keys_from_elsewhere_all_have_labels():
    """The keys other modules use are all in the registry: a new accounting category, method,
    warning level, status or key industry without a label fails here."""
    layout = refdata.load_table("ceads_layout")
    sectors = layout[layout["kind"] == "sector"]
    expected = {
        "category": set(CATEGORIES),
        "method": set(METHODS),
        "level": {level.value for level in Level},
        "status": {refdata.status_label(s) for s in ["CONFIRMED", "x", "SECONDARY (2x)"]}
        | {"UNCONFIRMED", "DESIGN PROPOSAL", "INFERRED"},
        "key_industry": set(sectors["platform_key_industry_mapping"]),
        "sector_ceads": set(sectors["name"]),
        "fuel": set(refdata.load_table("fuels")["fuel_id"]),
    }
    for kind, keys in expected.items():
        assert keys <= set(label_table(kind).index), kind


def test_names_in_both_languages():
    assert label("sector_ceads", "Beverage Production") == "饮料制造业"
    assert label("sector_ceads", "Beverage Production", "en") == "Beverage Production"
    assert label("method", "per_capita") == "人均法"
    assert label("method", "per_capita", "en-gb") == "equal per capita"
    assert label("fuel", "Raw_Coal") == label("fuel", "raw_coal") == "原煤"
    assert label("region", "140100", "en") == "Taiyuan"
    assert label("key_industry", "钢铁 steel") == "钢铁"
    assert label("key_industry", "钢铁 steel", "en") == "Steel"
    assert label("sector_electricity", "A02.2.13") == "石油、煤炭及其他燃料加工业"
    assert label("plan", "15th", "en") == "15th Five-Year Plan"
    # a key outside the registries still shows, as it is
    assert label("fuel", "某种新燃料") == "某种新燃料"
    with pytest.raises(UnknownNameError, match="label kind"):
        label("colour", "red")


def test_internal_keys_are_the_keys_whose_name_differs():
    zh, en = internal_keys("zh"), internal_keys("en")
    assert {"per_capita", "combustion", "CONFIRMED", "Beverage Production", "A02.2.13"} <= set(zh)
    # in English the CEADs names are the names; the method keys are still keys
    assert "Beverage Production" not in en and "per_capita" in en
    # numbers and one- or two-letter codes are ordinary text on a page
    assert not any(key.isdigit() or len(key) <= 2 for key in zh)
