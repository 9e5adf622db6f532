"""The project file (项目申报文件) of a fixed-asset investment project's energy review: its fields,
read from JSON or from the Excel template, validated with errors naming the field (and for
activity rows the row and column, by the accounting input validation of :mod:`carbonctl.io`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.enterprises.uscc import InvalidCreditCode, parse_credit_code
from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.io import ACTIVITY_COLUMNS, validate_activities
from carbonctl.projects.reference import two_high_industries

__all__ = [
    "ACTIVITY_FIELDS",
    "FIELDS",
    "KINDS",
    "PRODUCT_FIELDS",
    "CapacityReplacement",
    "Product",
    "ProjectFiling",
    "filing_from_mapping",
    "filing_mapping",
]

#: Kinds of project (项目类型): new build, expansion, in-place retrofit (counts the increment).
KINDS = ("new", "expansion", "retrofit")
_KIND_WORDS = {
    **{k: k for k in KINDS},
    "新建": "new",
    "扩建": "expansion",
    "改扩建": "expansion",
    "改建": "retrofit",
    "改造": "retrofit",
    "技改": "retrofit",
}

#: Top-level fields of a project file and what each expects.
FIELDS: dict[str, str] = {
    "name": "the project's name (项目名称)",
    "owner": "the owner's unified social credit code (统一社会信用代码, 18 characters)",
    "region": "a Shanxi county or city: adcode (140105) or name (小店区)",
    "industry": "a GB/T 4754-2017 code (2521, 26) or name (炼焦, 化学原料和化学制品制造业)",
    "kind": "new, expansion or retrofit (新建, 扩建, 改建)",
    "year": "the first full operating year, e.g. 2027",
    "products": "a list of {product, capacity, unit, design_specific_energy, specific_energy_unit}",
    "activities": "a list of activity rows in the carbonctl account layout",
    "baseline": "for a retrofit: the activity rows before it (same layout)",
    "coal_rate_gce_per_kwh": "the thermal-power coal rate for electricity at 等价值, gce/kWh, "
    "e.g. 300 (blank: the reference default)",
    "value_added_10k_cny": "the project's annual value added, 10^4 CNY (万元)",
    "operating_share": "the expected share of the year in operation, 0 < share ≤ 1 (default 1)",
    "capacity_replacement": "null, or {document, replaced_capacity, unit} of the capacity "
    "replacement (产能置换) plan",
}
PRODUCT_FIELDS: dict[str, str] = {
    "product": "the product as in the benchmark tables, e.g. 焦炭（顶装焦炉）, 煤制甲醇",
    "capacity": "the annual capacity, a number > 0",
    "unit": "the unit of the capacity, e.g. t, 万t (a trailing /a or /年 is allowed)",
    "design_specific_energy": "the design specific energy use (设计单位产品能耗), a number",
    "specific_energy_unit": "its unit, e.g. kgce/t or kWh/t",
}
REPLACEMENT_FIELDS: dict[str, str] = {
    "document": "the capacity replacement plan's document id (产能置换方案文号)",
    "replaced_capacity": "the replaced capacity, a number ≥ 0",
    "unit": "its unit, e.g. 万t",
}
#: Activity columns of a project file: the account layout without subject and period (the
#: project's name and year), plus ``raw_material``.
ACTIVITY_FIELDS = (
    *(c for c in ACTIVITY_COLUMNS if c not in ("row_id", "subject", "period", "year", "month")),
    "raw_material",
)
_TRUE = {"true", "yes", "y", "1", "是", "√"}
_FALSE = {"false", "no", "n", "0", "否", ""}
_ANNUAL = ("/a", "/年", "/yr", "/year", "每年")


@dataclass(frozen=True)
class Product:
    """A product of the project with its annual capacity and design specific energy use."""

    product: str
    capacity: float
    unit: str
    design_specific_energy: float
    specific_energy_unit: str


@dataclass(frozen=True)
class CapacityReplacement:
    """The capacity replacement plan (产能置换方案) attached to a filing."""

    document: str
    replaced_capacity: float
    unit: str


@dataclass(frozen=True, eq=False)
class ProjectFiling:
    """A validated project file.

    ``region`` is the adcode filed (county or city) and ``city`` its city's adcode;
    ``industry_code`` the GB/T 4754-2017 code ("" when a name outside the packaged divisions and
    the 两高 list was … never: unknown names are refused). ``activities`` and ``baseline`` are
    canonical activity tables (:data:`carbonctl.io.ACTIVITY_COLUMNS`) with a boolean
    ``raw_material`` column; ``baseline`` is None unless the project is a retrofit.
    """

    name: str
    owner: str
    region: str
    city: str
    region_name: str
    industry_code: str
    industry_name: str
    kind: str
    year: int
    products: tuple[Product, ...]
    activities: pd.DataFrame
    baseline: pd.DataFrame | None
    coal_rate_gce_per_kwh: float | None
    value_added_10k_cny: float | None
    operating_share: float
    capacity_replacement: CapacityReplacement | None
    source: str = field(default="<filing>")


# --- where a value came from ----------------------------------------------------------------------

#: (field path, index or None) -> InputError kwargs (file, row, column) for a message.
Locate = Callable[[str, "int | None"], dict[str, object]]


class _Collector:
    """Every problem of a filing, so a user can fix the file in one go."""

    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.errors: list[InputError] = []

    def add(self, name: str, message: str, expected: str, index: int | None = None) -> None:
        self.errors.append(InputError(message, expected=expected, **self.locate(name, index)))

    def extend(self, exc: CarbonctlError) -> None:
        if isinstance(exc, InputErrors):
            self.errors.extend(exc.errors)
        elif isinstance(exc, InputError):
            self.errors.append(exc)
        else:
            self.errors.append(InputError(str(exc)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def _number(value: object) -> float | None:
    """A finite number from a JSON number or a spreadsheet cell's text; None when it is not."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


# --- the fields -----------------------------------------------------------------------------------


def _industry(text: str) -> tuple[str, str] | None:
    """(code, name) of an industry given by GB/T 4754-2017 code or name; None when unknown."""
    divisions = refdata.load_table("gbt4754_2017")
    divisions = divisions[divisions["level"] == "division"].set_index("code")["name_zh"]
    digits = text.replace(" ", "")
    if digits.isdigit():
        if 2 <= len(digits) <= 4 and digits[:2] in divisions.index:
            for row in two_high_industries():
                if row.code == digits:
                    return digits, row.name_zh
            return digits, divisions[digits[:2]] if len(digits) == 2 else ""
        return None
    key = refdata.normalise_name(text)
    for code, name in divisions.items():
        if refdata.normalise_name(name) == key:
            return code, name
    for row in two_high_industries():
        if key in row.names:
            return row.code, row.name_zh
    return None


def _industry_names() -> list[str]:
    divisions = refdata.load_table("gbt4754_2017")
    names = list(divisions.loc[divisions["level"] == "division", "name_zh"])
    return names + [row.name_zh for row in two_high_industries()]


def _strip_annual(unit: str) -> str:
    for suffix in _ANNUAL:
        if unit.endswith(suffix):
            return unit.removesuffix(suffix).strip()
    return unit


def _products(items: object, errors: _Collector) -> tuple[Product, ...]:
    if _blank(items):
        return ()
    if not isinstance(items, Sequence) or isinstance(items, str):
        errors.add(
            "products", f"products is {type(items).__name__}, not a list", FIELDS["products"]
        )
        return ()
    products = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            errors.add("products", "a product is not an object", FIELDS["products"], index)
            continue
        _unknown_keys(item, PRODUCT_FIELDS, "products", errors, index)
        name = _text(item.get("product"))
        if not name:
            errors.add("products.product", "product is missing", PRODUCT_FIELDS["product"], index)
        capacity = _number(item.get("capacity"))
        if capacity is None:
            errors.add(
                "products.capacity",
                f"capacity {item.get('capacity')!r} is not a number",
                PRODUCT_FIELDS["capacity"],
                index,
            )
        elif capacity <= 0:
            errors.add(
                "products.capacity",
                f"capacity {capacity:g} is {'negative' if capacity < 0 else 'zero'}",
                PRODUCT_FIELDS["capacity"],
                index,
            )
        unit = _strip_annual(_text(item.get("unit")))
        if not unit:
            errors.add("products.unit", "unit is missing", PRODUCT_FIELDS["unit"], index)
        design = _number(item.get("design_specific_energy"))
        if design is None:
            errors.add(
                "products.design_specific_energy",
                f"design_specific_energy {item.get('design_specific_energy')!r} is not a number",
                PRODUCT_FIELDS["design_specific_energy"],
                index,
            )
        energy_unit = _text(item.get("specific_energy_unit"))
        if not energy_unit:
            errors.add(
                "products.specific_energy_unit",
                "specific_energy_unit is missing",
                PRODUCT_FIELDS["specific_energy_unit"],
                index,
            )
        if name and capacity is not None and capacity > 0 and unit and design is not None:
            products.append(Product(name, capacity, unit, design, energy_unit))
    return tuple(products)


def _replacement(value: object, errors: _Collector) -> CapacityReplacement | None:
    if _blank(value):
        return None
    if not isinstance(value, Mapping):
        errors.add(
            "capacity_replacement",
            "capacity_replacement is not an object or null",
            FIELDS["capacity_replacement"],
        )
        return None
    _unknown_keys(value, REPLACEMENT_FIELDS, "capacity_replacement", errors, None)
    document = _text(value.get("document"))
    replaced = _number(value.get("replaced_capacity"))
    if not document:
        errors.add(
            "capacity_replacement.document",
            "capacity_replacement has no document id",
            REPLACEMENT_FIELDS["document"],
        )
    if replaced is None or replaced < 0:
        errors.add(
            "capacity_replacement.replaced_capacity",
            f"replaced_capacity {value.get('replaced_capacity')!r} is not a number ≥ 0",
            REPLACEMENT_FIELDS["replaced_capacity"],
        )
    if not document or replaced is None or replaced < 0:
        return None
    return CapacityReplacement(document, replaced, _strip_annual(_text(value.get("unit"))))


def _unknown_keys(
    item: Mapping[str, object],
    known: Mapping[str, str],
    where: str,
    errors: _Collector,
    index: int | None,
) -> None:
    for key in item:
        if key not in known:
            hint = refdata.close_matches(str(key), list(known), 3)
            errors.add(
                where,
                f"unknown field {key!r}" + (f" (did you mean {', '.join(hint)}?)" if hint else ""),
                "one of " + ", ".join(known),
                index,
            )


def _raw_material(values: pd.Series, source: str, rows: np.ndarray) -> tuple[np.ndarray, list]:
    flags, errors = [], []
    for value, row in zip(values.astype(object), rows, strict=True):
        text = "" if _blank(value) else str(value).strip().lower()
        if text in _TRUE:
            flags.append(True)
        elif text in _FALSE:
            flags.append(False)
        else:
            flags.append(False)
            errors.append(
                InputError(
                    f"raw_material {value!r} is not true or false",
                    file=source,
                    row=int(row),
                    column="raw_material",
                    expected="true or false (是/否); true for energy used as feedstock (原料用能)",
                )
            )
    return np.array(flags, dtype=bool), errors


def activity_table(
    rows: pd.DataFrame, *, name: str, year: int, source: str, row_numbers: np.ndarray
) -> pd.DataFrame:
    """Validate activity rows of a filing (the project's ``name`` and ``year`` are each row's
    subject and period) and return the canonical table with a boolean ``raw_material``.

    Raises :class:`InputErrors` naming the row and column (``row_numbers``: spreadsheet rows,
    or the 1-based item number in a JSON list)."""
    keep = [
        c
        for c in rows.columns
        if refdata.normalise_name(c) not in {"subject", "period", "主体", "期间", "rawmaterial"}
    ]
    raw_columns = [
        c for c in rows.columns if refdata.normalise_name(c) in {"rawmaterial", "原料用能"}
    ]
    raw = rows[raw_columns[0]] if raw_columns else pd.Series([None] * len(rows), dtype=object)
    raw = raw.reset_index(drop=True)
    keep = [c for c in keep if c not in raw_columns]
    frame = rows[keep].reset_index(drop=True).assign(subject=name, period=str(year))
    flags, problems = _raw_material(raw, source, row_numbers)
    table = None
    try:
        table = validate_activities(frame, source, rows=row_numbers)
    except InputErrors as exc:
        problems = [*exc.errors, *problems]
    if problems:
        raise InputErrors(sorted(problems, key=lambda e: e.row or 0))
    assert table is not None
    category = table["category"].astype(object).to_numpy()
    misplaced = flags & (category != "combustion")
    if misplaced.any():
        raise InputErrors(
            [
                InputError(
                    f"raw_material is true on a {category[i]} row",
                    file=source,
                    row=int(row_numbers[i]),
                    column="raw_material",
                    expected="raw_material only on fuel rows (category combustion) used as "
                    "feedstock",
                )
                for i in np.flatnonzero(misplaced)
            ]
        )
    return table.assign(raw_material=flags)


def _has_energy(table: pd.DataFrame) -> bool:
    energy = table["category"].isin(["combustion", "electricity", "heat"]).to_numpy(dtype=bool)
    return bool((energy & ~table["raw_material"].to_numpy(dtype=bool)).any())


@dataclass(frozen=True)
class RawFiling:
    """A filing as read, before validation: the fields, the product items and the activity
    rows with their row numbers, and how to locate each field in messages."""

    fields: Mapping[str, object]
    products: object
    activities: tuple[pd.DataFrame, np.ndarray, str] | None
    baseline: tuple[pd.DataFrame, np.ndarray, str] | None
    locate: Locate
    source: str


def build_filing(raw: RawFiling) -> ProjectFiling:
    """Validate a :class:`RawFiling`; raises :class:`InputErrors` listing every problem."""
    errors = _Collector(raw.locate)
    fields = raw.fields
    _unknown_keys(
        {k: v for k, v in fields.items() if k not in ("products", "activities", "baseline")},
        FIELDS,
        "file",
        errors,
        None,
    )
    name = _text(fields.get("name"))
    if not name:
        errors.add("name", "name is missing", FIELDS["name"])
    owner = _text(fields.get("owner"))
    try:
        owner = parse_credit_code(owner).code
    except InvalidCreditCode as exc:
        errors.add("owner", f"owner: {exc}", FIELDS["owner"])
    region_text = _text(fields.get("region"))
    region = city = region_name = ""
    try:
        found = refdata.find_region(region_text) if region_text else None
    except CarbonctlError as exc:
        errors.add("region", f"region: {exc}", FIELDS["region"])
        found = None
    if found is None and not region_text:
        errors.add("region", "region is missing", FIELDS["region"])
    elif found is not None:
        if found.province_adcode != refdata.PROVINCE or found.level not in ("county", "city"):
            errors.add(
                "region",
                f"region {region_text!r} is {found.name_zh} ({found.level}), not a county or "
                "city of Shanxi",
                FIELDS["region"],
            )
        else:
            region, region_name = found.adcode, found.name_zh
            city = found.adcode if found.level == "city" else refdata.county_city()[found.adcode]
    industry_text = _text(fields.get("industry"))
    industry = _industry(industry_text) if industry_text else None
    if industry is None:
        shown = repr(industry_text) if industry_text else "missing"
        hint = refdata.close_matches(industry_text, _industry_names(), 3) if industry_text else []
        errors.add(
            "industry",
            f"industry {shown} is not a GB/T 4754-2017 code or name"
            + (f"; closest: {', '.join(hint)}" if hint else ""),
            FIELDS["industry"],
        )
    kind = _KIND_WORDS.get(refdata.normalise_name(_text(fields.get("kind"))))
    if kind is None:
        errors.add("kind", f"kind {fields.get('kind')!r} is not a project kind", FIELDS["kind"])
    year_number = _number(fields.get("year"))
    year = 0
    if year_number is None or year_number != int(year_number) or not 2000 <= year_number <= 2100:
        errors.add("year", f"year {fields.get('year')!r} is not a year", FIELDS["year"])
    else:
        year = int(year_number)
    products = _products(raw.products, errors)
    coal_rate = _optional(fields, "coal_rate_gce_per_kwh", errors, low=0.0, high=1000.0)
    value_added = _optional(fields, "value_added_10k_cny", errors, low=0.0, inclusive=True)
    share = _optional(fields, "operating_share", errors, low=0.0, high=1.0, high_inclusive=True)
    replacement = _replacement(fields.get("capacity_replacement"), errors)

    activities = baseline = None
    if raw.activities is None or raw.activities[0].empty:
        errors.add(
            "activities",
            "no activities: the filing has no energy data",
            "activity rows with the project's fuels, electricity and heat",
        )
    else:
        # placeholders when name or year are bad, so the rows' problems are reported too
        activities = _table(raw.activities, name or "project", year or 2000, errors)
        if activities is not None and not _has_energy(activities):
            errors.add(
                "activities",
                "the activities have no energy data (no fuel, electricity or heat row besides "
                "raw material)",
                "the project's fuel, electricity and heat use",
            )
    has_baseline = raw.baseline is not None and not raw.baseline[0].empty
    if kind == "retrofit" and not has_baseline:
        errors.add(
            "baseline",
            "a retrofit has no baseline activities",
            "the activity rows before the retrofit (a retrofit counts the increment)",
        )
    elif kind in ("new", "expansion") and has_baseline:
        errors.add(
            "baseline", f"a {kind} project has baseline activities", "baseline only for a retrofit"
        )
    elif has_baseline:
        assert raw.baseline is not None
        baseline = _table(raw.baseline, name or "project", year or 2000, errors)
    errors.raise_if_any()
    assert industry is not None and kind is not None and activities is not None
    return ProjectFiling(
        name=name,
        owner=owner,
        region=region,
        city=city,
        region_name=region_name,
        industry_code=industry[0],
        industry_name=industry[1],
        kind=kind,
        year=year,
        products=products,
        activities=activities,
        baseline=baseline,
        coal_rate_gce_per_kwh=coal_rate,
        value_added_10k_cny=value_added,
        operating_share=1.0 if share is None else share,
        capacity_replacement=replacement,
        source=raw.source,
    )


def _table(
    given: tuple[pd.DataFrame, np.ndarray, str], name: str, year: int, errors: _Collector
) -> pd.DataFrame | None:
    rows, numbers, source = given
    try:
        return activity_table(rows, name=name, year=year, source=source, row_numbers=numbers)
    except CarbonctlError as exc:
        errors.extend(exc)
        return None


def _optional(
    fields: Mapping[str, object],
    name: str,
    errors: _Collector,
    *,
    low: float,
    high: float | None = None,
    inclusive: bool = False,
    high_inclusive: bool = False,
) -> float | None:
    value = fields.get(name)
    if _blank(value):
        return None
    number = _number(value)
    ok = number is not None and (number >= low if inclusive else number > low)
    if ok and high is not None:
        assert number is not None
        ok = number <= high if high_inclusive else number < high
    if not ok:
        errors.add(name, f"{name} {value!r} is out of range or not a number", FIELDS[name])
        return None
    return number


# --- JSON -----------------------------------------------------------------------------------------


def _json_locate(source: str) -> Locate:
    def locate(name: str, index: int | None) -> dict[str, object]:
        head, _, rest = name.partition(".")
        column = head if index is None else f"{head}[{index}]"
        if rest:
            column += f".{rest}"
        return {"file": source, "column": column}

    return locate


def _json_rows(items: object, source: str, what: str) -> tuple[pd.DataFrame, np.ndarray, str]:
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise InputErrors(
            [
                InputError(
                    f"{what} is not a list of objects",
                    file=source,
                    column=what,
                    expected=FIELDS[what],
                )
            ]
        )
    for index, item in enumerate(items):
        unknown = [k for k in item if k not in (*ACTIVITY_FIELDS, "subject", "period")]
        if unknown:
            raise InputErrors(
                [
                    InputError(
                        f"unknown field {unknown[0]!r} in an activity row",
                        file=source,
                        column=f"{what}[{index}]",
                        expected="one of " + ", ".join(ACTIVITY_FIELDS),
                    )
                ]
            )
    frame = pd.DataFrame([dict(item) for item in items], dtype=object)
    return (
        frame,
        np.arange(1, len(items) + 1, dtype=np.int64),
        f"{source} {what}",
    )


def filing_from_mapping(data: Mapping[str, object], source: str = "<filing>") -> ProjectFiling:
    """Validate a project file given as a mapping (parsed JSON)."""
    if not isinstance(data, Mapping):
        raise InputError("the project file is not a JSON object", file=source)
    activities = baseline = None
    errors: list[InputError] = []
    for what in ("activities", "baseline"):
        value = data.get(what)
        if _blank(value) or value == []:
            continue
        try:
            rows = _json_rows(value, source, what)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        if what == "activities":
            activities = rows
        else:
            baseline = rows
    raw = RawFiling(
        fields=data,
        products=data.get("products"),
        activities=activities,
        baseline=baseline,
        locate=_json_locate(source),
        source=source,
    )
    try:
        filing = build_filing(raw)
    except InputErrors as exc:
        raise InputErrors([*errors, *exc.errors]) from None
    if errors:
        raise InputErrors(errors)
    return filing


# --- back to a mapping ----------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A JSON value of a table cell: None for blanks, Python numbers and text otherwise."""
    if _blank(value):
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value)
    return str(value)


def _activity_items(table: pd.DataFrame) -> list[dict[str, object]]:
    items = []
    for record in table.to_dict("records"):
        item = {}
        for name in ACTIVITY_FIELDS:
            value = _plain(record.get(name))
            if value is None or (name == "raw_material" and value is False):
                continue
            item[name] = value
        items.append(item)
    return items


def filing_mapping(filing: ProjectFiling) -> dict[str, object]:
    """The project file of a validated filing as a JSON mapping (the layout of § 1 of
    docs/projects.md, canonical values: the region's adcode, the industry's code, the kind's
    key): :func:`filing_from_mapping` of it gives the same filing, whatever it was read from
    (the platform stores filings so, an Excel upload included)."""
    replacement = filing.capacity_replacement
    data: dict[str, object] = {
        "name": filing.name,
        "owner": filing.owner,
        "region": filing.region,
        "industry": filing.industry_code,
        "kind": filing.kind,
        "year": filing.year,
        "products": [
            {
                "product": p.product,
                "capacity": p.capacity,
                "unit": p.unit,
                "design_specific_energy": p.design_specific_energy,
                "specific_energy_unit": p.specific_energy_unit,
            }
            for p in filing.products
        ],
        "activities": _activity_items(filing.activities),
        "coal_rate_gce_per_kwh": filing.coal_rate_gce_per_kwh,
        "value_added_10k_cny": filing.value_added_10k_cny,
        "operating_share": filing.operating_share,
        "capacity_replacement": None
        if replacement is None
        else {
            "document": replacement.document,
            "replaced_capacity": replacement.replaced_capacity,
            "unit": replacement.unit,
        },
    }
    if filing.baseline is not None:
        data["baseline"] = _activity_items(filing.baseline)
    return data
