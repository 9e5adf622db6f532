"""Region pages on the small demo (2019–2020): the inventory page opens with its headline
figures, the trend by key industry and the sector × fuel matrix grouped by key industry, whose
subtotals and totals are the data's; every key by its name in the page's language; a cell leads
to the counties and the factor behind it; the Excel export has the page's layout and names; the
regions pages give each region's figures; and nobody sees a region outside their scope."""

from __future__ import annotations

import html
import io
import math
import re

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from carbonctl import refdata
from carbonctl.labels import internal_keys, label
from carbonctl.web.display import number, quantity
from carbonctl.web.inventories.models import InventoryCell, RegionTotal
from carbonctl.web.inventories.presentation import matrix_text
from carbonctl.web.inventories.services import current_dataset
from carbonctl.web.regions.models import Region

from .crawl import parse
from .test_i18n import _cjk_left

pytestmark = pytest.mark.django_db

YEAR = 2020  # the small demo's latest year
STEEL = "Smelting and Pressing of Ferrous Metals"


@pytest.fixture
def analyst(client, demo_database, db):
    client.login(username="analyst", password="demo-analyst-2024")
    return client


def _total(adcode: str, year: int = YEAR) -> float:
    return RegionTotal.objects.filter(region_id=adcode, year=year).aggregate(t=Sum("tco2"))["t"]


def _visible(response) -> str:
    return parse(response.content.decode())[0]


def _internal_keys_shown(text: str) -> list[str]:
    """Keys of the registries (CEADs sector names, fuel codes, key-industry keys …) in ``text``,
    each as a whole word or phrase (``coke`` in ``coke oven gas`` is not the key ``coke``)."""
    found = []
    for key in internal_keys("zh"):
        pattern = re.escape(key)
        if key[0].isascii() and key[0].isalnum():
            pattern = r"(?<![A-Za-z0-9_])" + pattern
        if key[-1].isascii() and key[-1].isalnum():
            pattern += r"(?![A-Za-z0-9_])"
        if re.search(pattern, text):
            found.append(key)
    return found


def _cells_of(matrix):
    """(sector, fuel, tCO2) of every non-empty cell of a matrix."""
    return [
        (row.sector, fuel, value)
        for group in matrix.groups
        for row in group.sectors
        for fuel, value in zip(matrix.fuels, row.values, strict=True)
        if value is not None
    ]


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("adcode", ["140100", "140105", "140000"])
def test_matrix_groups_by_key_industry_with_subtotals_and_the_region_total(analyst, adcode):
    page = analyst.get(f"/inventory/{adcode}/")
    matrix = page.context["matrix"]
    # the key industry of each sector is the one the county cells carry
    county_cells = InventoryCell.objects.filter(year=YEAR)
    level = Region.objects.get(adcode=adcode).level
    if level == "city":
        county_cells = county_cells.filter(region__parent_id=adcode)
    elif level == "county":
        county_cells = county_cells.filter(region_id=adcode)
    carried = dict(county_cells.values_list("sector", "key_industry").distinct())
    assert len(matrix.groups) > 3
    for group in matrix.groups:
        assert {s.sector for s in group.sectors} <= {
            s for s, k in carried.items() if k == group.key_industry
        }
        assert group.total == pytest.approx(sum(s.total for s in group.sectors), rel=1e-12)
        for column, subtotal in enumerate(group.values):
            summed = sum(s.values[column] or 0.0 for s in group.sectors)
            assert (subtotal or 0.0) == pytest.approx(summed, rel=1e-12, abs=1e-9)
    for column, fuel_total in enumerate(matrix.fuel_totals):
        assert fuel_total == pytest.approx(
            sum(g.values[column] or 0.0 for g in matrix.groups), rel=1e-12
        )
    assert matrix.total == pytest.approx(_total(adcode), rel=1e-9)
    # groups largest first, the largest few open, the rest collapsed
    totals = [g.total for g in matrix.groups]
    assert totals == sorted(totals, reverse=True)
    html = page.content.decode()
    assert html.count('class="toggle" aria-expanded="true"') == 3
    assert html.count('class="toggle" aria-expanded="false"') == len(matrix.groups) - 3
    # one unit for the whole table, stated above it; the grand total as the table shows it
    assert "单位：万吨二氧化碳" in html
    assert f'<td class="number total">{matrix_text(_total(adcode))}</td></tr></tfoot>' in html


def test_matrix_shows_only_fuels_burnt_in_the_region_and_marks_small_cells(analyst):
    matrix = analyst.get("/inventory/140105/").context["matrix"]
    burnt = set(
        InventoryCell.objects.filter(region_id="140105", year=YEAR, tco2__gt=0).values_list(
            "fuel", flat=True
        )
    )
    assert set(matrix.fuels) == burnt
    assert matrix_text(None) == "" and matrix_text(1.0) == "<0.01"
    assert matrix_text(123_456_789.0) == "12,345.68"


def test_the_chinese_page_names_every_sector_fuel_and_key_industry_in_chinese(analyst):
    page = analyst.get("/inventory/140100/")
    text = _visible(page)
    matrix = page.context["matrix"]
    assert _internal_keys_shown(text) == []
    for group in matrix.groups:
        assert label("key_industry", group.key_industry) in text
        for row in group.sectors:
            assert label("sector_ceads", row.sector) in text
    for fuel in matrix.fuels:
        assert label("fuel", fuel) in text
    assert "太原市" in text and "Taiyuan" not in text


def test_the_english_page_shows_english_names(analyst):
    page = analyst.get("/en/inventory/140100/")
    html = page.content.decode()
    text = _visible(page)
    assert "Taiyuan" in text and "Smelting and Pressing of Ferrous Metals" in text
    assert "raw coal" in text and "Steel" in text and "Power & heat" in text
    assert "原煤" not in text and "钢铁" not in text
    assert _cjk_left(html) == []
    chart = page.context["chart"]
    assert "Steel" in [s["name"] for s in chart["series"]]
    county = analyst.get("/en/inventory/140105/")
    assert "Xiaodian District" in _visible(county) and _cjk_left(county.content.decode()) == []


def test_the_year_selector_lists_the_years_and_opens_on_the_latest(analyst):
    page = analyst.get("/inventory/140100/")
    assert page.context["year"] == YEAR
    html = page.content.decode()
    assert '<option value="2019">2019</option>' in html
    assert f'<option value="{YEAR}" selected>{YEAR}</option>' in html
    earlier = analyst.get("/inventory/140100/", {"year": 2019})
    assert earlier.context["matrix"].total == pytest.approx(_total("140100", 2019), rel=1e-9)
    assert '<option value="2019" selected>2019</option>' in earlier.content.decode()


def test_a_year_without_figures_says_so(analyst):
    page = analyst.get("/inventory/140100/", {"year": 2011})
    assert page.status_code == 200 and page.context["matrix"] is None
    assert "2011年尚无本地区清单数据" in _visible(page)
    assert 'id="matrix"' not in page.content.decode()
    assert analyst.get("/inventory/140100/", {"year": 2011, "format": "xlsx"}).status_code == 404


def test_headline_figures_come_first_with_the_change_on_last_year(analyst):
    page = analyst.get("/inventory/140100/")
    headline = page.context["headline"]
    now, before = _total("140100"), _total("140100", 2019)
    assert headline["tco2"] == pytest.approx(now)
    assert headline["change"] == pytest.approx(now / before - 1)
    biggest = (
        RegionTotal.objects.filter(region_id="140100", year=YEAR)
        .values("key_industry")
        .annotate(t=Sum("tco2"))
        .order_by("-t")
        .first()
    )
    assert headline["key_industry"] == biggest["key_industry"]
    assert headline["key_industry_share"] == pytest.approx(biggest["t"] / now)
    assert headline["intensity"] > 0
    html = page.content.decode()
    assert html.index('id="headline"') < html.index('id="trend-chart"') < html.index('id="matrix"')
    assert quantity(now, "10^4 t:1g") in _visible(page)
    # the trend's series add up to the region's total in each year, at most seven of them
    chart = page.context["chart"]
    assert len(chart["series"]) <= 7 and chart["years"] == [2019, YEAR]
    assert sum(s["values"][-1] for s in chart["series"]) == pytest.approx(now / 1e4, abs=0.5)


# --- the drill-down ----------------------------------------------------------------------------


def test_each_cell_links_to_the_counties_and_factor_behind_it(analyst):
    page = analyst.get("/inventory/140100/")
    matrix = page.context["matrix"]
    cells = _cells_of(matrix)
    coke = max((c for c in cells if c[1] == "焦炭"), key=lambda c: c[2])
    smallest = min(cells, key=lambda c: c[2])
    for sector, fuel, value in (coke, smallest):
        response = analyst.get(
            "/inventory/140100/cells/", {"year": YEAR, "sector": sector, "fuel": fuel}
        )
        assert response.status_code == 200
        assert response.context["total"] == pytest.approx(value, rel=1e-9)
        rows = response.context["rows"]
        assert sum(r["tco2"] for r in rows) == pytest.approx(value, rel=1e-9)
        assert sum(r["share"] for r in rows) == pytest.approx(1.0)
        assert {r["region"].parent_id for r in rows} == {"140100"}
        text = _visible(response)
        assert label("sector_ceads", sector) in text and label("fuel", fuel) in text
        assert _internal_keys_shown(text) == []
        for row in rows:  # each county links to its own page
            assert f'href="/inventory/{row["region"].adcode}/?year={YEAR}"' in (
                response.content.decode()
            )
    # the page links there from the cell
    assert "/inventory/140100/cells/?year=2020&amp;sector=Smelting" in page.content.decode()


def test_the_factor_behind_a_fuel_with_its_status_source_and_formula(analyst):
    response = analyst.get(
        "/inventory/140100/cells/", {"year": YEAR, "sector": STEEL, "fuel": "焦炭"}
    )
    factor = response.context["factor"]
    row = refdata.fuel_factors(current_dataset().factor_set.code).loc["coke"]
    assert factor.ncv == row["ncv_GJ_per_unit"]
    text = _visible(response)
    assert "E = AD × NCV × CC × OF × 44/12" in text
    assert label("status", refdata.status_label(row["status"])) in text  # 二手来源
    # the source is quoted in its own words (class "cite", which the key scan leaves out)
    assert html.escape(row["source"].strip(), quote=False) in response.content.decode()
    assert number(factor.emission_factor, 4) in text
    # the figures' own factor (ΣE / ΣAD) is the default one: the demo accounted with it
    assert response.context["factor_check"] is True
    assert response.context["implied_factor"] == pytest.approx(factor.emission_factor)


def test_a_fuel_without_defaults_says_so_and_gives_the_factor_of_the_figures(analyst):
    response = analyst.get(
        "/inventory/140100/cells/",
        {"year": YEAR, "sector": "Production and Supply of Electric Power, Steam and Hot Water",
         "fuel": "原煤"},
    )  # fmt: skip
    html = response.content.decode()
    assert 'id="no-default"' in html and 'id="implied"' in html
    total = response.context["total"]
    amount = sum(r["amount"] for r in response.context["rows"])
    assert response.context["implied_factor"] == pytest.approx(total / amount)


def test_process_emissions_name_the_cement_factor(analyst):
    response = analyst.get(
        "/inventory/140000/cells/",
        {"year": YEAR, "sector": "Nonmetal Mineral Products", "fuel": "Process"},
    )
    text = _visible(response)
    assert "工业生产过程（水泥）" in text and "E = AD × EF" in text and "吨水泥" in text
    assert "Process" not in text
    rows = response.context["rows"]
    assert len(rows) == InventoryCell.objects.filter(year=YEAR, fuel="Process").count()
    assert all(r["city"] is not None for r in rows)  # the province's counties name their city


def test_a_figure_that_does_not_exist_is_not_found(analyst):
    response = analyst.get("/inventory/140100/cells/", {"year": YEAR, "sector": "x", "fuel": "y"})
    assert response.status_code == 404


# --- the Excel export --------------------------------------------------------------------------


def _sheet(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_excel_export_has_the_matrix_layout_and_names(analyst):
    matrix = analyst.get("/inventory/140100/").context["matrix"]
    rows = _sheet(analyst.get("/inventory/140100/", {"year": YEAR, "format": "xlsx"}))
    header = rows[0]
    assert header[:2] == ["重点行业", "部门"]
    assert header[2:-1] == [f"{label('fuel', f)} (万吨)" for f in matrix.fuels]
    assert header[-1] == "合计 (万吨)"
    first = matrix.groups[0]
    assert rows[1][:2] == [label("key_industry", first.key_industry), "小计"]
    assert rows[1][-1] == pytest.approx(first.total / 1e4)
    assert rows[2][1] == label("sector_ceads", first.sectors[0].sector)
    assert rows[-1][0] == "合计" and rows[-1][-1] == pytest.approx(_total("140100") / 1e4)
    assert len(rows) == 2 + len(matrix.groups) + sum(len(g.sectors) for g in matrix.groups)
    text = "\n".join(str(v) for row in rows for v in row if isinstance(v, str))
    assert _internal_keys_shown(text) == []
    english = _sheet(analyst.get("/en/inventory/140100/", {"year": YEAR, "format": "xlsx"}))
    assert english[0][:3] == ["Key industry", "Sector", "raw coal (10^4 t)"]
    assert STEEL in {row[1] for row in english}


# --- the regions pages -------------------------------------------------------------------------


def test_the_regions_list_gives_each_city_its_total_and_names_in_both_languages(analyst):
    page = analyst.get("/regions/")
    text = _visible(page)
    for city in Region.objects.filter(level="city"):
        assert city.name_zh in text and city.name_en in text
        assert quantity(_total(city.adcode), "10^4 t:1g") in text
    assert not re.search(r"\b14\d{4}\b", text)  # no adcodes to read
    assert 'href="/inventory/140100/"' in page.content.decode()


def test_a_region_page_leads_to_its_inventory_and_lists_its_counties_with_totals(analyst):
    page = analyst.get("/regions/140100/")
    text = _visible(page)
    assert 'href="/inventory/140100/"' in page.content.decode()
    assert quantity(_total("140100"), "10^4 t:1g") in text
    counties = page.context["counties"]
    assert len(counties) == 10
    for row in counties:
        assert row["figure"]["tco2"] == pytest.approx(_total(row["region"].adcode))
        assert row["region"].name_zh in text
    assert sum(r["share"] for r in counties) == pytest.approx(1.0)
    shares = [r["figure"]["tco2"] for r in counties]
    assert shares == sorted(shares, reverse=True)
    assert not re.search(r"\b14\d{4}\b", text)


def test_officials_see_figures_of_their_own_regions_only(client, demo_database, db):
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    rows = {r["region"].adcode: r for r in client.get("/regions/").context["rows"]}
    assert rows["140100"]["figure"] is not None
    assert all(r["figure"] is None for code, r in rows.items() if code != "140100")
    own = client.get("/regions/140100/")
    assert 'href="/regions/140000/"' not in own.content.decode()  # the province: not theirs
    client.logout()
    anonymous = client.get("/regions/")
    assert anonymous.status_code == 200 and anonymous.context["figures"] is False
    assert "万吨" not in _visible(anonymous)


# --- who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "refused"),
    [
        ("taiyuan", "demo-taiyuan-2024", "140200"),
        ("taiyuan", "demo-taiyuan-2024", "140000"),
        ("xiaodian", "demo-xiaodian-2024", "140100"),
        ("public", "demo-public-2024", "140100"),
    ],
)
def test_nobody_opens_a_region_outside_their_scope(
    client, demo_database, db, username, password, refused
):
    client.login(username=username, password=password)
    for path, params in (
        (f"/inventory/{refused}/", {}),
        (f"/inventory/{refused}/", {"format": "xlsx"}),
        (f"/inventory/{refused}/cells/", {"year": YEAR, "sector": STEEL, "fuel": "焦炭"}),
        (f"/regions/{refused}/", {}),
    ):
        assert client.get(path, params).status_code == 404, (username, path, params)


def test_anonymous_visitors_are_asked_to_log_in(client, demo_database, db):
    response = client.get("/inventory/140100/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_city_official_opens_their_city_and_its_counties(client, demo_database, db):
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    assert client.get("/inventory/140100/").status_code == 200
    assert client.get("/inventory/140105/").status_code == 200


# --- number filters ----------------------------------------------------------------------------


def test_the_display_filters_group_thousands_when_asked():
    assert quantity(123_456_789.0, "10^4 t:2g") == "12,345.68"
    assert quantity(123_456_789.0, "10^4 t:2") == "12345.68"
    assert quantity(123_456_789.0, "10^4 t:g") == "12,346"
    assert number(1_234_567.25, 1) == "1,234,567.3"
    assert number(None) == "–" and number(math.nan) == "–" and number(-0.01, 1) == "0.0"
