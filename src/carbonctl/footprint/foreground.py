"""A product's foreground model (前景模型): its bill of materials and energy by process step, in
the accounting input layout (``item, amount, unit, category`` plus ``region``, ``year``, ``ncv``,
``ncv_unit`` as in :mod:`carbonctl.accounting`) with a ``step`` column, linked to the background
database by name and turned into processes of a product system.

Layout, one row per input or output of a step (the amounts of a step all refer to the same
period or batch):

- ``step`` — the process step (工序) the row belongs to;
- ``item``, ``amount``, ``unit`` — what goes in or comes out, and how much;
- ``category`` — ``combustion`` (a fuel burnt: its combustion process plus its upstream),
  ``material`` (a material or a fuel used as feedstock: the background process of that name, or a
  fuel's upstream only), ``electricity`` (the grid process of the row's ``region`` and ``year``),
  ``heat``, ``transport`` (t·km), ``process`` (a direct emission: ``item`` is a gas such as CO2,
  CH4 fossil or N2O and the amount a mass), ``output`` (what the step makes), ``cut_off``
  (recycled or waste inputs that carry no upstream burden under the cut-off rule; kept in the
  model, no exchange), ``intermediate`` (must name another step); Chinese words are accepted
  (燃烧, 原料, 电力, 热力, 运输, 过程排放, 产品, 副产品, 截断);
- ``co_product`` — yes on an ``output`` row that is a co-product (副产品) rather than the step's
  main output;
- optional: ``process`` (a background process id, overriding the name look-up), ``region``,
  ``year`` (electricity), ``price`` (economic allocation, per ``unit``), ``ncv`` and ``ncv_unit``
  (energy allocation; defaults from the fuel factor set for known fuels), ``kg_per_unit`` (mass
  allocation of an output not given in t or kg).

Every step has one main output row, except the step making ``product``, whose output is
``output_amount`` ``output_unit`` when it has no output row. A row whose ``item`` is another
step's main output (or that step's name) links to that step. Other rows link to the background
by name (``name``, ``name_en``, ``aliases`` or id), fuels through the fuel catalogue (code,
Chinese or English name, alias); an item found nowhere is a located error naming the closest
background names.

**Allocation** of a step with co-products: every input and emission of the step is multiplied by
the main output's share ``F = w_main / Σ w_i`` over the step's outputs i, with ``w_i = q_i``
(mass in kg, ``allocation="mass"``), ``w_i = q_i × price_i`` (``"economic"``) or
``w_i = q_i × NCV_i`` (``"energy"``, in GJ); ``"none"`` gives the main output the whole burden
(system expansion is not implemented). The co-products leave the system.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.footprint.background import slug
from carbonctl.footprint.system import System, system_from_tables
from carbonctl.io.records import Column, validate_records
from carbonctl.units import conversion_factor, is_convertible, parse_unit

__all__ = [
    "ALLOCATIONS",
    "CATEGORIES",
    "MODEL_COLUMNS",
    "foreground_system",
    "product_process",
]

ALLOCATIONS = ("mass", "economic", "energy", "none")
CATEGORIES = (
    "combustion",
    "material",
    "electricity",
    "heat",
    "transport",
    "process",
    "output",
    "cut_off",
    "intermediate",
)
_WORDS: dict[str, tuple[str, ...]] = {
    "combustion": ("燃烧", "燃料燃烧", "fuel", "燃料"),
    "material": ("原料", "材料", "原材料", "辅料", "feedstock"),
    "electricity": ("电力", "电", "外购电力", "power"),
    "heat": ("热力", "外购热力", "蒸汽", "steam"),
    "transport": ("运输",),
    "process": ("过程", "过程排放", "工艺排放", "direct emission"),
    "output": ("产出", "产品", "主产品", "product"),
    "co_product": ("副产品", "联产品", "coproduct", "co-product", "by-product", "byproduct"),
    "cut_off": ("截断", "cutoff", "cut-off", "recycled", "waste"),
    "intermediate": ("中间品", "中间产品"),
}
_CATEGORY_KEYS = {
    refdata.normalise_name(word): canonical
    for canonical, words in _WORDS.items()
    for word in (canonical, *words)
}
_YES = {"yes", "y", "true", "1", "是", "x", "✓"}

MODEL_COLUMNS = [
    Column("step", "text", aliases=("工序", "步骤")),
    Column("item", "text", aliases=("物料", "名称")),
    Column("amount", "number", aliases=("数量", "用量")),
    Column("unit", "text", aliases=("单位",)),
    Column("category", "text", aliases=("类别",)),
    Column("co_product", "text", required=False, blank=True, aliases=("副产品",)),
    Column("process", "text", required=False, blank=True, aliases=("背景过程",)),
    Column("region", "text", required=False, blank=True, aliases=("地区",)),
    Column("year", "year", required=False, blank=True, aliases=("年份",)),
    Column("price", "number", required=False, blank=True, aliases=("价格",)),
    Column("ncv", "number", required=False, blank=True, aliases=("低位发热量",)),
    Column("ncv_unit", "text", required=False, blank=True),
    Column("kg_per_unit", "number", required=False, blank=True),
]


@dataclass
class _Output:
    row: int | None
    item: str
    amount: float
    unit: str
    price: float = np.nan
    ncv: float = np.nan
    ncv_unit: str | None = None
    kg_per_unit: float = np.nan


def product_process(system: System, product: str | None = None) -> str:
    """The id of the process making the product of a foreground system (``role`` product)."""
    processes = system.processes
    if "role" not in processes.columns:
        raise CarbonctlError("not a foreground system: no process has role 'product'")
    chosen = processes[processes["role"] == "product"]
    if product is not None:
        chosen = chosen[chosen["product"] == product]
    if len(chosen) != 1:
        raise CarbonctlError(f"{len(chosen)} product processes for {product!r}")
    return str(chosen["id"].iloc[0])


def foreground_system(
    model: pd.DataFrame,
    background: System,
    *,
    product: str,
    output_amount: float,
    output_unit: str,
    file: str = "model",
    allocation: str = "mass",
    region: str | None = None,
    year: int | None = None,
) -> System:
    """The product system of ``product``: the ``background`` plus one process per step of the
    foreground ``model`` (see the module text for the layout, linking and allocation).

    The step making ``product`` gets ``role`` product (:func:`product_process` finds it), its
    reference unit is ``output_unit``; its unit score is the cradle-to-gate footprint per unit of
    product. Electricity rows without ``region``/``year`` take ``region`` (default the
    platform's province) and ``year`` (default the newest grid year of the background).
    Raises :class:`InputErrors` listing every row that cannot be linked or allocated.
    """
    if allocation not in ALLOCATIONS:
        raise InputError(
            f"unknown allocation {allocation!r}",
            column="allocation",
            expected=", ".join(ALLOCATIONS),
        )
    rows = validate_records(model, MODEL_COLUMNS, source=file)
    builder = _Builder(rows, background, file=file, allocation=allocation)
    builder.region = refdata.find_region(region or refdata.PROVINCE).province_adcode
    builder.year = year
    builder.build(product, float(output_amount), str(output_unit))
    return builder.system(product)


class _Builder:
    def __init__(
        self, rows: pd.DataFrame, background: System, *, file: str, allocation: str
    ) -> None:
        self.rows = rows
        self.background = background
        self.file = file
        self.allocation = allocation
        self.errors: list[InputError] = []
        self.region = ""
        self.year: int | None = None
        self.processes: list[dict[str, object]] = []
        self.exchanges: list[dict[str, object]] = []
        bg = background.processes
        self.units = dict(zip(bg["id"], bg["unit"], strict=True))
        self.index: dict[str, str] = {}
        for column in ("id", "name", "name_en"):
            if column in bg.columns:
                for pid, text in zip(bg["id"], bg[column], strict=True):
                    if isinstance(text, str) and text.strip():
                        self.index.setdefault(refdata.normalise_name(text), pid)
        if "aliases" in bg.columns:
            for pid, text in zip(bg["id"], bg["aliases"], strict=True):
                for alias in str(text or "").split(";"):
                    if alias.strip():
                        self.index.setdefault(refdata.normalise_name(alias), pid)
        names = [*bg["name"]]
        if "name_en" in bg.columns:
            names += [n for n in bg["name_en"] if isinstance(n, str) and n]
        self.names = names
        gases = [*refdata.load_table("gwp")["gas"].tolist(), "CO2e", "CO2 biogenic"]
        self.gases = {refdata.normalise_name(g): g for g in gases}
        self.fuel_index = refdata.fuel_index()

    def error(self, row: int | None, column: str, message: str, expected: str = "") -> None:
        self.errors.append(
            InputError(message, file=self.file, row=row, column=column, expected=expected or None)
        )

    # --- structure -----------------------------------------------------------------------------

    def build(self, product: str, output_amount: float, output_unit: str) -> None:
        rows = self.rows
        categories = []
        co_flags = []
        for row, raw, flag in zip(rows.index, rows["category"], rows["co_product"], strict=True):
            canonical = _CATEGORY_KEYS.get(refdata.normalise_name(raw or ""))
            if canonical is None:
                self.error(row, "category", f"unknown category {raw!r}", ", ".join(CATEGORIES))
            is_co = canonical == "co_product" or (
                isinstance(flag, str) and refdata.normalise_name(flag) in _YES
            )
            categories.append("output" if canonical == "co_product" else canonical)
            co_flags.append(is_co)
        rows = rows.assign(category=categories, co=co_flags)
        self.steps = list(dict.fromkeys(rows["step"]))
        main: dict[str, _Output] = {}
        co: dict[str, list[_Output]] = {s: [] for s in self.steps}
        for row, r in rows[rows["category"] == "output"].iterrows():
            output = _Output(
                int(row), r["item"], float(r["amount"]), r["unit"], r["price"], r["ncv"],
                r["ncv_unit"], r["kg_per_unit"],
            )  # fmt: skip
            if r["co"]:
                co[r["step"]].append(output)
            elif r["step"] in main:
                self.error(
                    int(row),
                    "co_product",
                    f"step {r['step']!r} has a second main output",
                    "one main output per step; mark the others co_product yes",
                )
            else:
                main[r["step"]] = output
        product_key = refdata.normalise_name(product)
        final = [s for s, o in main.items() if refdata.normalise_name(o.item) == product_key]
        if not final:
            final = [s for s in self.steps if s not in main]
        if len(final) != 1:
            self.error(
                None,
                "step",
                f"{len(final)} steps could make {product!r}: {final}",
                f"one step whose output is {product!r} or the only step without an output row",
            )
            raise InputErrors(self.errors)
        self.final = final[0]
        given = main.get(self.final)
        if given is None:
            main[self.final] = _Output(None, product, output_amount, output_unit)
        elif not is_convertible(given.unit, output_unit) or not np.isclose(
            given.amount * conversion_factor(given.unit, output_unit), output_amount, rtol=1e-9
        ):
            self.error(
                given.row,
                "amount",
                f"output {given.amount:g} {given.unit} of {product!r} differs from the "
                f"product output given",
                f"{output_amount:g} {output_unit}",
            )
        self.main = main
        self.co = co
        self.ids = {s: f"fg:{slug(product)}:{slug(s)}" for s in self.steps}
        self.step_keys: dict[str, str] = {}
        for s in self.steps:
            self.step_keys.setdefault(refdata.normalise_name(s), s)
            if s in main:
                self.step_keys[refdata.normalise_name(main[s].item)] = s
        shares = {s: self.share(s) for s in self.steps}
        self.notes: dict[str, list[str]] = {s: [] for s in self.steps}
        for row, r in rows[rows["category"] != "output"].iterrows():
            if not isinstance(r["category"], str):
                continue
            self.link(int(row), r, shares[r["step"]])
        if self.errors:
            raise InputErrors(self.errors)
        for s in self.steps:
            out = main[s]
            self.processes.append(
                {
                    "id": self.ids[s],
                    "name": out.item,
                    "unit": out.unit,
                    "location": "",
                    "name_en": "",
                    "category": "foreground",
                    "aliases": "",
                    "source": f"foreground model {self.file}, step {s}",
                    "status": "",
                    "version": "",
                    "author": "",
                    "role": "product" if s == self.final else "step",
                    "product": product,
                    "step": s,
                    "allocation": f"{self.allocation} {shares[s]:.6g}" if self.co[s] else "",
                    "note": "; ".join(self.notes[s]),
                }
            )

    def system(self, product: str) -> System:
        bg = self.background
        processes = pd.concat([bg.processes, pd.DataFrame(self.processes)], ignore_index=True)
        for column in ("role", "product", "step", "allocation", "note"):
            processes[column] = processes[column].fillna("")
        exchanges = pd.concat([bg.exchanges, pd.DataFrame(self.exchanges)], ignore_index=True)
        return system_from_tables(processes, exchanges, name=product, files=(self.file, self.file))

    # --- allocation ----------------------------------------------------------------------------

    def share(self, step: str) -> float:
        co = self.co[step]
        if not co or self.allocation == "none":
            return 1.0
        outputs = [self.main[step], *co]
        weights = [self.weight(o) for o in outputs]
        if any(w is None for w in weights):
            return 1.0
        total = float(sum(weights))  # type: ignore[arg-type]
        if total <= 0:
            self.error(outputs[0].row, "amount", f"step {step!r} has no output to allocate")
            return 1.0
        return float(weights[0]) / total  # type: ignore[arg-type]

    def weight(self, out: _Output) -> float | None:
        if self.allocation == "mass":
            if is_convertible(out.unit, "kg"):
                return out.amount * conversion_factor(out.unit, "kg")
            if not np.isnan(out.kg_per_unit):
                return out.amount * out.kg_per_unit
            self.error(
                out.row, "kg_per_unit", f"no mass for {out.item!r} in {out.unit}",
                "the amount in t or kg, or kg_per_unit, for mass allocation",
            )  # fmt: skip
            return None
        if self.allocation == "economic":
            if not np.isnan(out.price):
                return out.amount * out.price
            self.error(
                out.row, "price", f"no price for {out.item!r}",
                f"a price per {out.unit} for economic allocation",
            )  # fmt: skip
            return None
        # energy
        try:
            if not np.isnan(out.ncv):
                if out.ncv_unit:
                    energy = out.amount * parse_unit(out.unit) * out.ncv * parse_unit(out.ncv_unit)
                    return float(energy.to("GJ").magnitude)
                return out.amount * out.ncv  # GJ per unit
            fuel_id = self.fuel_index.get(refdata.normalise_name(out.item))
            if fuel_id is not None:
                factors = refdata.fuel_factors()
                if fuel_id in factors.index and not np.isnan(
                    factors.at[fuel_id, "ncv_GJ_per_unit"]
                ):
                    unit = factors.at[fuel_id, "unit"]
                    ncv = float(factors.at[fuel_id, "ncv_GJ_per_unit"])
                    return out.amount * conversion_factor(out.unit, unit) * ncv
        except CarbonctlError:
            pass
        self.error(
            out.row, "ncv", f"no net calorific value for {out.item!r}",
            "ncv and ncv_unit (e.g. GJ/t) for energy allocation",
        )  # fmt: skip
        return None

    # --- links ---------------------------------------------------------------------------------

    def link(self, row: int, r: pd.Series, share: float) -> None:
        step = r["step"]
        out = self.main[step]
        per = float(r["amount"]) * share / out.amount
        item = r["item"]
        category = r["category"]
        key = refdata.normalise_name(item)
        consumer = self.ids[step]
        if category != "process" and key in self.step_keys and category != "cut_off":
            target = self.step_keys[key]
            self.technosphere(
                row, consumer, self.ids[target], per, r["unit"], self.main[target].unit
            )
            return
        if category == "cut_off":
            self.notes[step].append(f"cut off: {item}")
            return
        if category == "intermediate":
            self.error(row, "item", f"no step makes {item!r}", f"one of the steps {self.steps}")
            return
        if category == "process":
            gas = self.gases.get(key)
            if gas is None:
                self.error(
                    row, "item", f"{item!r} is not a gas",
                    "a gas of the GWP table (CO2, CH4 fossil, N2O …) or CO2e",
                )  # fmt: skip
            elif not is_convertible(r["unit"], "kg"):
                self.error(row, "unit", f"{r['unit']!r} is not a mass", "kg or t")
            else:
                self.exchanges.append(
                    {"consumer": consumer, "input": gas, "amount": per, "unit": r["unit"],
                     "type": "biosphere"}
                )  # fmt: skip
            return
        explicit = r["process"]
        if isinstance(explicit, str) and explicit:
            if explicit not in self.units:
                close = refdata.close_matches(explicit, list(self.units))
                self.error(row, "process", f"no background process {explicit!r}", _closest(close))
            else:
                self.technosphere(row, consumer, explicit, per, r["unit"], self.units[explicit])
            return
        if category == "electricity":
            self.electricity(row, r, consumer, per)
            return
        fuel_id = self.fuel_index.get(key)
        if category == "combustion" and fuel_id is not None:
            combustion = f"fuel:{fuel_id}:combustion"
            upstream = f"fuel:{fuel_id}:upstream"
            if combustion not in self.units:
                self.error(
                    row, "item", f"no combustion process for fuel {item!r} in the background",
                    "a fuel with default parameters, or a background process id in column process",
                )  # fmt: skip
                return
            self.technosphere(row, consumer, combustion, per, r["unit"], self.units[combustion])
            if upstream in self.units:
                self.technosphere(row, consumer, upstream, per, r["unit"], self.units[upstream])
            else:
                self.notes[step].append(f"no upstream factor: {item}")
            return
        if category == "material" and fuel_id is not None and key not in self.index:
            upstream = f"fuel:{fuel_id}:upstream"
            if upstream in self.units:
                self.technosphere(row, consumer, upstream, per, r["unit"], self.units[upstream])
            else:
                self.notes[step].append(f"no upstream factor: {item}")
            return
        pid = self.index.get(key)
        if pid is None and category == "heat":
            pid = "heat:purchased" if "heat:purchased" in self.units else None
        if pid is None:
            close = refdata.close_matches(item, self.names)
            self.error(row, "item", f"no background process named {item!r}", _closest(close))
            return
        self.technosphere(row, consumer, pid, per, r["unit"], self.units[pid])

    def electricity(self, row: int, r: pd.Series, consumer: str, per: float) -> None:
        try:
            adcode = (
                refdata.find_region(r["region"]).province_adcode
                if isinstance(r["region"], str) and r["region"]
                else self.region
            )
        except CarbonctlError:
            self.error(row, "region", f"unknown region {r['region']!r}", "a province or adcode")
            return
        years = sorted(
            int(pid.rsplit(":", 1)[1]) for pid in self.units if pid.startswith(f"elec:{adcode}:")
        )
        if not years:
            self.error(row, "region", f"no grid process for region {adcode}", "a province")
            return
        if not pd.isna(r["year"]):
            year = int(r["year"])
        elif self.year is not None:
            year = int(self.year)
        else:
            year = years[-1]
        pid = f"elec:{adcode}:{year}"
        if pid not in self.units:
            self.error(row, "year", f"no grid process for {year}", f"one of {years}")
            return
        self.technosphere(row, consumer, pid, per, r["unit"], self.units[pid])

    def technosphere(
        self, row: int, consumer: str, target: str, amount: float, unit: str, target_unit: str
    ) -> None:
        if not is_convertible(unit, target_unit):
            self.error(row, "unit", f"{unit!r} does not convert to {target_unit!r}", target_unit)
            return
        self.exchanges.append(
            {"consumer": consumer, "input": target, "amount": amount, "unit": unit,
             "type": "technosphere"}
        )  # fmt: skip
        self.units.setdefault(target, target_unit)


def _closest(names: list[str]) -> str:
    return (
        f"a background process name; closest: {', '.join(names)}"
        if names
        else ("a background process name or id")
    )
