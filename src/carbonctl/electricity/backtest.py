"""Rolling-origin backtest of the electricity–carbon nowcast (电碳模型滚动回测): fit on the
inventories to year Y−1, nowcast every month of Y, compare with the monthly truth.

Only synthetic histories carry a monthly truth, so this measures the machinery on data whose
generating process is known (methodology note §7), not the accuracy on real data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from carbonctl.electricity.model import (
    ALL_SECTORS,
    DriverBase,
    ModelInputs,
    fit,
    model_inputs,
    nowcasts,
)
from carbonctl.electricity.schema import model_sectors, nonnegative_amounts
from carbonctl.errors import InputError

__all__ = ["LEVELS", "TRUTH_COLUMNS", "BacktestReport", "backtest"]

#: The levels of the JSON report; ``county_sector`` (each county sector) is kept in the tables.
LEVELS = ("province", "city", "county")
LEVEL_NAMES = {
    "province": "省 province",
    "city": "市 city",
    "county": "县 county",
    "county_sector": "县×部门 county × sector",
}


@dataclass(frozen=True)
class BacktestReport:
    """Errors of monthly nowcasts against the truth.

    ``errors``: origin (the model's source year), month, level (province, city, county, and
    county_sector), region, sector (``ALL`` or a code), estimate, truth, lo, hi, error_pct
    = 100 · (estimate − truth) / truth. ``levels``: level, mape, bias, coverage (share of truths
    inside [lo, hi]), series, estimates. ``sectors``: the same per sector at province level.
    """

    years: tuple[int, ...]
    months: int
    interval: float
    driver_base: str
    errors: pd.DataFrame
    levels: pd.DataFrame
    sectors: pd.DataFrame

    def to_json(self) -> dict:
        """``{"levels": {level: {"mape", "bias"}}, "sectors": {code: {...}}, "months": n}``."""
        levels = self.levels.set_index("level")
        sectors = self.sectors.set_index("sector")
        return {
            "levels": {
                level: {
                    "mape": float(levels.at[level, "mape"]),
                    "bias": float(levels.at[level, "bias"]),
                }
                for level in LEVELS
            },
            "sectors": {
                code: {"mape": float(row.mape), "bias": float(row.bias)}
                for code, row in sectors.iterrows()
            },
            "months": int(self.months),
        }

    def to_markdown(self) -> str:
        """A readable report: settings, errors by level and by sector, and what they mean."""
        names = {s.code: s.name_zh for s in model_sectors()}
        years = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        coverage = f"{self.interval:.0%}"
        lines = [
            "# 电—碳快速评估回测 Backtest of the electricity–carbon nowcast",
            "",
            "## 回测设置 Setup",
            "",
            f"- 评估年份 Years nowcast: {years} (rolling origin: fitted on the inventories "
            "through the year before)",
            f"- 每个序列的月度估算数 Monthly estimates per series: {self.months}",
            f"- 驱动因子基准 Driver base: `{self.driver_base}`",
            f"- 区间 Interval: central {coverage}",
            "",
            "## 各层级误差 Errors by level (all sectors)",
            "",
            f"| 层级 Level | MAPE % | 偏差 Bias % | {coverage} 区间覆盖率 Coverage | 序列 Series |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in self.levels.itertuples(index=False):
            lines.append(
                f"| {LEVEL_NAMES[row.level]} | {row.mape:.2f} | {row.bias:+.2f} | "
                f"{row.coverage:.0%} | {row.series} |"
            )
        lines += [
            "",
            "## 分部门误差（全省） Errors by sector (province)",
            "",
            f"| 部门 Sector | 名称 Name | MAPE % | 偏差 Bias % | {coverage} 区间覆盖率 Coverage |",
            "|---|---|---:|---:|---:|",
        ]
        for row in self.sectors.itertuples(index=False):
            lines.append(
                f"| {row.sector} | {names.get(row.sector, '')} | {row.mape:.2f} | "
                f"{row.bias:+.2f} | {row.coverage:.0%} |"
            )
        lines += [
            "",
            "## 说明 Notes",
            "",
            "- MAPE = mean |estimate − truth| / truth; bias = mean (estimate − truth) / truth; "
            "coverage = share of truths inside the interval.",
            "- 合成数据只能验证方法流程，不能证明真实精度。 The demo history is synthetic with a "
            "known generating process: these figures show the machinery works, not how accurate "
            "the model is on real data.",
            "",
        ]
        return "\n".join(lines)


def backtest(
    data: ModelInputs,
    truth: pd.DataFrame,
    *,
    years: Sequence[int] = range(2018, 2026),
    driver_base: DriverBase = "inventory_year",
    interval: float = 0.90,
) -> BacktestReport:
    """For each origin year Y in ``years``: fit through Y−1, nowcast each month of Y, compare the
    monthly estimates (kind ``month``) with ``co2_true`` summed over sectors for every county,
    city and the province, per county sector, and per sector for the province.

    ``data`` are the tables a province has (:class:`ModelInputs`); ``truth`` is the monthly CO2
    the estimates are judged against (county, sector, month, tco2), which the model never sees.
    Only a synthetic history has it for every county sector (the demo supplies both)."""
    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise InputError("no years to backtest", expected="origin years such as 2018–2025")
    inputs = model_inputs(data)
    truth = _checked_truth(truth)
    estimates = []
    for year in years:
        model = fit(inputs, through_year=year - 1)
        labels = [f"{year}-{month:02d}" for month in range(1, 13)]
        results = nowcasts(model, inputs, labels, interval=interval, driver_base=driver_base)
        for label, result in zip(labels, results, strict=True):
            table = result.table[result.table["kind"] == "month"]
            estimates.append(table.assign(origin=year - 1, month=label))
    estimate = pd.concat(estimates, ignore_index=True)
    errors = _compare(estimate, _truth(inputs.counties, truth, set(estimate["month"])))
    return BacktestReport(
        years=years,
        months=12 * len(years),
        interval=interval,
        driver_base=driver_base,
        errors=errors,
        levels=_summary(
            errors[(errors["sector"] == ALL_SECTORS) | (errors["level"] == "county_sector")],
            "level",
        ),
        sectors=_summary(
            errors[(errors["level"] == "province") & (errors["sector"] != ALL_SECTORS)], "sector"
        ),
    )


TRUTH_COLUMNS = ("county", "sector", "month", "tco2")


def _checked_truth(truth: pd.DataFrame) -> pd.DataFrame:
    """The truth table's columns, its CO2 as non-negative numbers, named ``co2_true``."""
    missing = [c for c in TRUTH_COLUMNS if c not in truth.columns]
    if missing:
        raise InputError(
            f"missing columns {missing}", file="truth", expected=", ".join(TRUTH_COLUMNS)
        )
    table = truth[list(TRUTH_COLUMNS)].astype({"county": str, "sector": str, "month": str})
    return table.assign(tco2=nonnegative_amounts(table["tco2"], "truth", "tco2")).rename(
        columns={"tco2": "co2_true"}
    )


def _truth(counties: pd.DataFrame, truth: pd.DataFrame, months: set[str]) -> pd.DataFrame:
    """level, region, sector, month, truth: the true CO2 of every county sector, summed."""
    monthly = truth[truth["month"].isin(months)].merge(counties, on="county")
    province = sorted({c[:2] + "0000" for c in counties["county"]})[0]
    frames = [
        monthly.rename(columns={"county": "region"})
        .groupby(["region", "sector", "month"], as_index=False)["co2_true"]
        .sum()
        .assign(level="county_sector")
    ]
    for level, region in (("county", "county"), ("city", "city")):
        frames.append(
            monthly.groupby([region, "month"], as_index=False)["co2_true"]
            .sum()
            .rename(columns={region: "region"})
            .assign(level=level, sector=ALL_SECTORS)
        )
    frames.append(
        monthly.groupby("month", as_index=False)["co2_true"]
        .sum()
        .assign(level="province", region=province, sector=ALL_SECTORS)
    )
    frames.append(
        monthly.groupby(["sector", "month"], as_index=False)["co2_true"]
        .sum()
        .assign(level="province", region=province)
    )
    return pd.concat(frames, ignore_index=True).rename(columns={"co2_true": "truth"})


def _compare(estimate: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    county_sector = estimate[(estimate["level"] == "county") & (estimate["sector"] != ALL_SECTORS)]
    wanted = pd.concat(
        [
            estimate[estimate["sector"] == ALL_SECTORS],
            estimate[(estimate["level"] == "province") & (estimate["sector"] != ALL_SECTORS)],
            county_sector.assign(level="county_sector"),
        ],
        ignore_index=True,
    )
    errors = wanted.merge(truth, on=["level", "region", "sector", "month"], how="left")
    errors = errors[errors["truth"] > 0]  # a county sector that does not exist has no error
    errors = errors.rename(columns={"tco2": "estimate"})[
        ["origin", "month", "level", "region", "sector", "estimate", "truth", "lo", "hi"]
    ]
    return errors.assign(
        error_pct=100.0 * (errors["estimate"] - errors["truth"]) / errors["truth"]
    ).reset_index(drop=True)


def _summary(errors: pd.DataFrame, by: str) -> pd.DataFrame:
    """mape, bias, coverage, series and estimates grouped ``by`` level or sector."""
    frame = errors.assign(
        absolute=errors["error_pct"].abs(),
        inside=(errors["lo"] <= errors["truth"]) & (errors["truth"] <= errors["hi"]),
        series=errors["region"] + "/" + errors["sector"],
    )
    summary = frame.groupby(by, sort=False).agg(
        mape=("absolute", "mean"),
        bias=("error_pct", "mean"),
        coverage=("inside", "mean"),
        series=("series", "nunique"),
        estimates=("error_pct", "size"),
    )
    order = [*LEVELS, "county_sector"] if by == "level" else [s.code for s in model_sectors()]
    summary = summary.reindex([key for key in order if key in summary.index])
    return summary.reset_index().astype({"series": int, "estimates": int})
