"""Monte Carlo uncertainty (不确定性分析) of accounting results, IPCC 2006 Vol. 1 Ch. 3 Approach 2:
95% intervals of the total, each category and each subject, and the ranges that were used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import CATEGORIES, AccountingResult
from carbonctl.errors import InputError, RefdataError
from carbonctl.metrology.tiers import tier_table

__all__ = ["RANGE_COLUMNS", "UncertaintyResult", "monte_carlo"]

#: Columns a table of uncertainty ranges must have (the refdata table ``uncertainty_defaults``).
RANGE_COLUMNS = [
    "category",
    "kind",
    "parameter",
    "half_width_95_pct",
    "distribution",
    "status",
    "source",
]
INTERVAL_COLUMNS = [
    "scope",
    "key",
    "central_tco2",
    "mean_tco2",
    "low_tco2",
    "high_tco2",
    "minus_pct",
    "plus_pct",
]
#: Two-sided 95% interval: 2.5th and 97.5th percentiles (IPCC 2006 Vol. 1 Ch. 3).
PERCENTILES = (2.5, 97.5)
#: z of the 97.5th percentile of the standard normal: σ = half-width of the 95% range / 1.96.
Z_95 = 1.959963984540054
#: Sampled multipliers are clipped here instead of below zero: a parameter is never negative.
#: With the packaged ranges (σ ≤ 5.1%) a clip needs a 19σ draw, so it changes nothing there.
MIN_MULTIPLIER = 1e-6
#: Parameter slots a row may have besides its activity. ``factor`` is the single emission factor
#: of electricity, heat, process rows and of combustion rows that give their own factor.
SLOTS = ("ncv", "carbon_content", "oxidation_rate", "factor")
#: Combustion parameters whose ranges make up a row's own emission factor (tCO2 per unit).
EF_PARTS = {
    "physical": ("ncv", "carbon_content", "oxidation_rate"),
    "energy": ("carbon_content", "oxidation_rate"),
}
#: Samples per block of groups (block × iterations floats), keeping memory bounded.
BLOCK_FLOATS = 4_000_000
#: Slot codes of a row: the parameter does not apply, is a shared default, or is the row's own.
NOT_USED, SHARED, OWN = 0, 1, 2


@dataclass(frozen=True)
class UncertaintyResult:
    """95% intervals of CO2 (tCO2) from a Monte Carlo run, and the ranges it assumed.

    ``intervals``: scope (``total``, ``category``, ``subject``), key, central_tco2 (the
    deterministic result), mean_tco2, low_tco2 / high_tco2 (2.5th / 97.5th percentiles), and
    minus_pct / plus_pct, the asymmetric half-widths as % of the central value.
    ``assumptions``: the ranges used (category, kind, parameter, half_width_95_pct, distribution,
    status, source); their status shows how firm they are (UNCONFIRMED, DESIGN PROPOSAL).
    """

    iterations: int
    seed: int
    intervals: pd.DataFrame
    assumptions: pd.DataFrame

    def to_dict(self) -> dict[str, object]:
        """JSON-able summary: total, by_category and by_subject intervals plus the assumptions."""

        def block(scope: str) -> dict[str, dict[str, float | None]]:
            table = self.intervals[self.intervals["scope"] == scope]
            return {str(row["key"]): _interval_dict(row) for _, row in table.iterrows()}

        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "total": block("total")["total"],
            "by_category": block("category"),
            "by_subject": block("subject"),
            "assumptions_status": [
                {k: _json_value(v) for k, v in record.items()}
                for record in self.assumptions.to_dict(orient="records")
            ],
        }


def _json_value(value: object) -> object:
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _interval_dict(row: pd.Series) -> dict[str, float | None]:
    return {column: _json_value(float(row[column])) for column in INTERVAL_COLUMNS[2:]}


def monte_carlo(
    result: AccountingResult,
    iterations: int,
    seed: int = 20240101,
    ranges: pd.DataFrame | None = None,
    tiers: Sequence[str | None] | pd.Series | None = None,
) -> UncertaintyResult:
    """95% intervals of the location-based CO2 of ``result`` by Monte Carlo simulation.

    Method: IPCC 2006 Guidelines Vol. 1 Ch. 3, sect. 3.2.3.2 (Approach 2, Monte Carlo), with the
    correlation of shared factors kept. Each row's emission is a product of parameters,

        E = AD × NCV × CC × OF × 44/12   (combustion; AD × C_ar × OF × 44/12, Q × CC × OF × 44/12)
        E = AD × EF                      (electricity, heat, process, rows with their own EF)

    and each parameter p gets a multiplier m_p ~ Normal(1, σ_p), σ_p = U_p / 100 / 1.96 where
    U_p is the 95% half-width in % (``half_width_95_pct`` of ``ranges``, by category, fuel kind
    and parameter; default refdata table ``uncertainty_defaults``). Multipliers are clipped at
    1e-6 (MIN_MULTIPLIER) rather than resampled: a clip only touches the lower tail, where
    resampling would reshape the whole distribution, and with the packaged ranges it never
    happens. Oxidation-rate multipliers are capped at 1/OF, so the sampled OF never exceeds 1.

    Correlation (what is drawn once, what independently):

    - a default parameter (the factor set's NCV, CC, OF of a fuel; a grid, heat or process
      factor) is one number used by every row that relies on it: its multiplier is drawn once
      per iteration per (``factor_id``, parameter) and shared by all those rows;
    - a parameter the row measured or gave itself (``parameters`` says ``measured``) is drawn
      once per group (below): a subject's own measurement of one fuel is treated as one
      measurement programme, correlated within the subject and independent of other subjects;
    - activity data (AD) are independent from row to row.

    Rows with the same subject, category, factor_id, sign and parameter profile (which
    parameters apply and which are measured; a measured OF also by its value) form a group g.
    Their independent activity errors add up to one normal term, so the simulation costs
    groups × iterations, not rows × iterations:

        S_g = Σ E_i,   σ_g = sqrt(Σ (E_i σ_AD,i)²) / |S_g|
        E_g^(k) = S_g × max(1 + σ_g z_gk, 1e-6) × Π_p m_p^(k)

    Negative rows (process outputs, carbon fixed in products) are grouped by sign, so S_g never
    cancels and signs are kept in every sum. Rows with zero (or no) emission contribute nothing.

    Which parameters a combustion row has: NCV, CC and OF by default; no NCV when the amount is
    heat (GJ) or an elemental carbon fraction C_ar is given (C_ar takes the carbon-content
    range); a row with its own emission factor has one ``factor`` parameter whose range
    combines those of the parameters it replaces, U = sqrt(Σ U_p²). Other categories have
    ``activity`` and ``factor`` (fuel kind ``any``).

    ``tiers`` (optional, one per row of ``result.rows``, in order): the data-quality tier of
    each row's activity (数据质量等级, :mod:`carbonctl.metrology.tiers`: ``metered_calibrated``,
    ``metered``, ``estimated``; None or "" keeps the default). A tier replaces the row's
    default activity range by the tier's ``activity_half_width_95_pct`` (refdata
    ``activity_data_tiers``); the tiers used are listed in the assumptions (category ``tier``).

    Results are reproducible for a given ``seed`` (numpy ``default_rng`` streams: shared
    factors, activities, then one per own-parameter slot) and do not depend on row order.
    """
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, (int, np.integer))
        or iterations < 2
    ):
        raise InputError(
            f"iterations must be a whole number of at least 2, got {iterations!r}",
            column="iterations",
            expected="e.g. 1000 or 10000",
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(
            f"seed must be a whole number ≥ 0, got {seed!r}",
            column="seed",
            expected="e.g. 20240101",
        )
    table = _validated_ranges(
        refdata.load_table("uncertainty_defaults") if ranges is None else ranges
    )
    rows = result.rows
    book = _RangeBook(table)
    tco2 = rows["tco2"].to_numpy(dtype=float)
    subject_code, subject_keys = _sorted_codes(rows["subject"].astype(str))
    category_code, category_keys = _category_codes(rows["category"])
    profiles, row_profile = _row_profiles(rows, book)
    tier_sigma, tier_ranges = _tier_sigmas(tiers, len(rows))
    groups = _groups(rows, tco2, subject_code, category_code, profiles, row_profile, tier_sigma)

    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2 + len(SLOTS))]
    n = int(iterations)
    shared = _shared_products(groups, streams[0], n)
    samples = _simulate(
        groups, shared, streams[1], streams[2:], n, len(category_keys), len(subject_keys)
    )
    counted = np.nan_to_num(tco2)
    central = np.concatenate(
        [
            [counted.sum()],
            np.bincount(category_code, counted, minlength=len(category_keys)),
            np.bincount(subject_code, counted, minlength=len(subject_keys)),
        ]
    )
    labels = (
        [("total", "total")]
        + [("category", k) for k in category_keys]
        + [("subject", k) for k in subject_keys]
    )
    return UncertaintyResult(
        iterations=n,
        seed=seed,
        intervals=_intervals(labels, central, samples),
        assumptions=pd.concat([book.used(), tier_ranges], ignore_index=True)
        if len(tier_ranges)
        else book.used(),
    )


def _tier_sigmas(
    tiers: Sequence[str | None] | pd.Series | None, n_rows: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """σ of each row's activity set by its tier (NaN: the default range) and the tier ranges
    used, as assumption rows."""
    sigma = np.full(n_rows, np.nan)
    if tiers is None:
        return sigma, pd.DataFrame(columns=RANGE_COLUMNS)
    given = list(tiers)
    if len(given) != n_rows:
        raise InputError(
            f"tiers has {len(given)} entries for {n_rows} result rows",
            column="tiers",
            expected="one tier (or None) per row of the accounting result",
        )
    table = tier_table()
    used = []
    for i, tier in enumerate(given):
        if tier is None or (isinstance(tier, float) and np.isnan(tier)) or tier == "":
            continue
        if tier not in table.index:
            raise InputError(
                f"tier {tier!r} of result row {i + 1} is not known",
                column="tiers",
                expected=", ".join(table.index),
            )
        sigma[i] = table.at[tier, "activity_half_width_95_pct"] / 100.0 / Z_95
        if tier not in used:
            used.append(tier)
    ranges = pd.DataFrame(
        {
            "category": "tier",
            "kind": used,
            "parameter": "activity",
            "half_width_95_pct": [table.at[t, "activity_half_width_95_pct"] for t in used],
            "distribution": "normal",
            "status": [table.at[t, "status"] for t in used],
            "source": [table.at[t, "source"] for t in used],
        },
        columns=RANGE_COLUMNS,
    )
    return sigma, ranges


# --- ranges ---------------------------------------------------------------------------------


def _validated_ranges(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in RANGE_COLUMNS if c not in table.columns]
    if missing:
        raise RefdataError(
            f"uncertainty ranges: missing columns {missing}; expected {RANGE_COLUMNS}"
        )
    table = table[RANGE_COLUMNS].copy()
    width = pd.to_numeric(table["half_width_95_pct"], errors="coerce")
    bad = width.isna() | (width < 0)
    if bad.any():
        first = table[bad].iloc[0]
        raise RefdataError(
            f"uncertainty ranges: half_width_95_pct {first['half_width_95_pct']!r} of "
            f"{first['category']}/{first['kind']}/{first['parameter']} is not a number ≥ 0"
        )
    table["half_width_95_pct"] = width.astype(float)
    # A later row overrides an earlier one, so a user can append corrections to the defaults.
    return table.drop_duplicates(["category", "kind", "parameter"], keep="last")


class _RangeBook:
    """Looks up σ by (category, kind, parameter), falling back to kind ``any``; records use."""

    def __init__(self, table: pd.DataFrame) -> None:
        self._table = table.set_index(["category", "kind", "parameter"])
        self._used: list[tuple[str, str, str]] = []

    def sigma(self, category: str, kind: str, parameter: str) -> float:
        for key in ((category, kind, parameter), (category, "any", parameter)):
            if key in self._table.index:
                row = self._table.loc[key]
                if str(row["distribution"]).strip().lower() != "normal":
                    raise RefdataError(
                        f"uncertainty range {'/'.join(key)}: distribution "
                        f"{row['distribution']!r} is not supported; expected normal"
                    )
                if key not in self._used:
                    self._used.append(key)
                return float(row["half_width_95_pct"]) / 100.0 / Z_95
        raise RefdataError(
            f"no uncertainty range for {category}/{kind}/{parameter} (category/kind/parameter); "
            "add a row to the uncertainty ranges (refdata table uncertainty_defaults)"
        )

    def used(self) -> pd.DataFrame:
        if not self._used:
            return pd.DataFrame(columns=RANGE_COLUMNS)
        table = self._table.loc[sorted(self._used)].reset_index()
        return table[RANGE_COLUMNS].reset_index(drop=True)


# --- rows -> parameter profiles -> groups ---------------------------------------------------


def _measured(label: object) -> set[str]:
    """Measured parameters named in a result row's ``parameters`` label ('measured: ncv, cc')."""
    text = str(label)
    if not text.startswith("measured"):
        return set()
    names = {n.strip() for n in text.removeprefix("measured").lstrip(":").split(",")}
    return (names - {""}) or {"all"}


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer code of each value, numbered in sorted order, and the values as text."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    return codes, ["" if pd.isna(u) else str(u) for u in uniques]


def _category_codes(categories: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Code of each row's category, numbered in the order of CATEGORIES (others after)."""
    codes, names = _sorted_codes(categories)
    order = [c for c in CATEGORIES if c in names] + [c for c in names if c not in CATEGORIES]
    return np.array([order.index(c) for c in names], dtype=np.int64)[codes], order


def _combine(codes: list[np.ndarray]) -> np.ndarray:
    """One code per distinct tuple of codes, numbered in sorted tuple order (first array first)."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for part in codes:
        radix = int(part.max(initial=-1)) + 1
        combined, _ = pd.factorize(combined * radix + part, sort=True)
    return combined


def _row_profiles(rows: pd.DataFrame, book: _RangeBook) -> tuple[pd.DataFrame, np.ndarray]:
    """One parameter profile per distinct (category, item_id, parameters, activity_unit).

    A profile holds σ of the activity and, per slot, its code (not used / shared / own) and σ.
    """
    columns = ["category", "item_id", "parameters", "activity_unit"]
    coded = [_sorted_codes(rows[c]) for c in columns]
    row_profile = _combine([codes for codes, _ in coded])
    _, first = np.unique(row_profile, return_index=True)
    kinds = refdata.load_table("fuels").set_index("fuel_id")["kind"].to_dict()
    records = [
        _profile(*(names[codes[i]] for codes, names in coded), kinds=kinds, book=book)
        for i in first
    ]
    slots = [f"{part}_{slot}" for slot in SLOTS for part in ("code", "sigma")]
    return pd.DataFrame.from_records(records, columns=["sigma_activity", *slots]), row_profile


def _profile(
    category: str,
    item_id: str,
    parameters: str,
    activity_unit: str,
    *,
    kinds: dict[str, str],
    book: _RangeBook,
) -> dict[str, object]:
    measured = _measured(parameters)
    kind = kinds.get(item_id, "any") if category == "combustion" else "any"
    profile: dict[str, object] = {"sigma_activity": book.sigma(category, kind, "activity")}
    for slot in SLOTS:
        profile[f"code_{slot}"], profile[f"sigma_{slot}"] = NOT_USED, 0.0
    if category != "combustion":
        own = bool(measured)  # a row's own factor, purity or composition
        profile["code_factor"] = OWN if own else SHARED
        profile["sigma_factor"] = book.sigma(category, kind, "factor")
        return profile
    basis = "energy" if activity_unit == "GJ" else "physical"
    if "ef" in measured:
        parts = [book.sigma(category, kind, p) for p in EF_PARTS[basis]]
        profile["code_factor"], profile["sigma_factor"] = OWN, float(np.hypot.reduce(parts))
        return profile
    carbon_fraction = "cf" in measured
    applies = {
        "ncv": basis == "physical" and not carbon_fraction,
        "carbon_content": True,
        "oxidation_rate": True,
    }
    own = {
        "ncv": "ncv" in measured,
        "carbon_content": "cc" in measured or carbon_fraction,
        "oxidation_rate": "of" in measured,
    }
    for slot, used in applies.items():
        if used:
            profile[f"code_{slot}"] = OWN if own[slot] else SHARED
            profile[f"sigma_{slot}"] = book.sigma(category, kind, slot)
    return profile


def _groups(
    rows: pd.DataFrame,
    tco2: np.ndarray,
    subject_code: np.ndarray,
    category_code: np.ndarray,
    profiles: pd.DataFrame,
    row_profile: np.ndarray,
    tier_sigma: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rows aggregated to groups: S_g (tCO2), σ_g of the activity sum, profile and OF.

    A group is one (subject, category, factor_id, profile, sign, own OF value); an own OF caps
    its group's multiplier at 1/OF, so the group needs a single value. Groups are numbered in
    sorted key order, subject first: a block of groups adds into subjects with one reduceat,
    and the numbering does not depend on row order.
    """
    live = np.isfinite(tco2) & (tco2 != 0.0)
    emission = tco2[live]
    profile = row_profile[live]
    factor_code, _ = _sorted_codes(rows["factor_id"].astype(str)[live])
    of = rows["oxidation_rate"].to_numpy(dtype=float)[live]
    of_code = profiles["code_oxidation_rate"].to_numpy()[profile]
    own_of = np.where(of_code == OWN, of, 0.0)
    sign_code, _ = pd.factorize(np.sign(emission), sort=True)
    own_of_code, _ = pd.factorize(own_of, sort=True, use_na_sentinel=False)
    group = _combine(
        [subject_code[live], category_code[live], factor_code, profile, sign_code, own_of_code]
    )
    _, first = np.unique(group, return_index=True)
    size = first.size
    sigma_activity = profiles["sigma_activity"].to_numpy(dtype=float)[profile]
    if tier_sigma is not None:
        own = tier_sigma[live]
        sigma_activity = np.where(np.isnan(own), sigma_activity, own)
    total = np.bincount(group, emission, size)
    variance = np.bincount(group, (emission * sigma_activity) ** 2, size)
    group_of = np.zeros(size)
    np.fmax.at(group_of, group, np.where(of_code == NOT_USED, 0.0, of))
    groups = pd.DataFrame(
        {
            "subject": subject_code[live][first],
            "category": category_code[live][first],
            "factor": factor_code[first],
            "profile": profile[first],
            "own_of": own_of[first],
            "of": group_of,
            "tco2": total,
            "sigma_activity": np.sqrt(variance) / np.abs(total),
        }
    )
    return groups.join(profiles.drop(columns="sigma_activity"), on="profile")


# --- sampling -------------------------------------------------------------------------------


def _normal_multipliers(
    rng: np.random.Generator, sigma: np.ndarray, iterations: int, cap: np.ndarray | None = None
) -> np.ndarray:
    """Multipliers ~ Normal(1, σ), one row per σ, clipped at MIN_MULTIPLIER and at ``cap``."""
    draws = rng.standard_normal((len(sigma), iterations))
    draws *= sigma[:, None]
    draws += 1.0
    return np.clip(draws, MIN_MULTIPLIER, None if cap is None else cap[:, None], out=draws)


def _of_cap(of: np.ndarray) -> np.ndarray:
    """Largest OF multiplier keeping OF ≤ 1 (no cap when the OF is unknown)."""
    with np.errstate(divide="ignore"):
        return np.where(of > 0, 1.0 / np.where(of > 0, of, 1.0), np.inf)


def _shared_products(
    groups: pd.DataFrame, rng: np.random.Generator, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Product of the shared default multipliers of each group: (combination per group, values).

    One multiplier is drawn per (factor_id, slot), in sorted order; groups that use the same
    combination of them share one row of ``values`` (combinations × iterations).
    """
    keys = []
    for slot in SLOTS:
        uses = groups[groups[f"code_{slot}"] == SHARED]
        per_factor = uses.groupby("factor", sort=True).agg(
            sigma=(f"sigma_{slot}", "max"), of=("of", "max")
        )
        keys.append(per_factor.assign(slot=slot).reset_index())
    table = pd.concat(keys, ignore_index=True)
    cap = np.where(table["slot"] == "oxidation_rate", _of_cap(table["of"].to_numpy(float)), np.inf)
    multipliers = _normal_multipliers(rng, table["sigma"].to_numpy(dtype=float), iterations, cap)
    multipliers = np.vstack([multipliers, np.ones((1, iterations))])  # last row: slot unused
    index = []
    for slot in SLOTS:
        in_slot = table["slot"] == slot
        position = pd.Series(np.flatnonzero(in_slot), index=table.loc[in_slot, "factor"])
        found = groups["factor"].map(position).fillna(len(table)).to_numpy(dtype=np.int64)
        shared = groups[f"code_{slot}"].to_numpy() == SHARED
        index.append(np.where(shared, found, len(table)))
    combination = _combine(index)
    _, first = np.unique(combination, return_index=True)
    values = np.ones((first.size, iterations))
    for slot_index in index:
        values *= multipliers[slot_index[first]]
    return combination, values


def _simulate(
    groups: pd.DataFrame,
    shared: tuple[np.ndarray, np.ndarray],
    activity_rng: np.random.Generator,
    own_rngs: list[np.random.Generator],
    iterations: int,
    n_categories: int,
    n_subjects: int,
) -> np.ndarray:
    """Samples of the total, each category and each subject: (1 + categories + subjects) × N.

    Groups are simulated in blocks of BLOCK_FLOATS samples; each random stream is consumed in
    group order, so the result does not depend on the block size.
    """
    samples = np.zeros((1 + n_categories + n_subjects, iterations))
    if groups.empty:
        return samples
    combination, shared_values = shared
    category = groups["category"].to_numpy()
    subject = groups["subject"].to_numpy()
    tco2 = groups["tco2"].to_numpy(dtype=float)
    sigma_activity = groups["sigma_activity"].to_numpy(dtype=float)
    own_sigma = [
        np.where(groups[f"code_{s}"] == OWN, groups[f"sigma_{s}"].to_numpy(dtype=float), 0.0)
        for s in SLOTS
    ]
    own_cap = [
        _of_cap(groups["own_of"].to_numpy(dtype=float)) if s == "oxidation_rate" else None
        for s in SLOTS
    ]
    block = max(1, BLOCK_FLOATS // iterations)
    for start in range(0, len(groups), block):
        part = slice(start, min(start + block, len(groups)))
        emission = _normal_multipliers(activity_rng, sigma_activity[part], iterations)
        emission *= tco2[part, None]
        emission *= shared_values[combination[part]]
        for rng, sigma, cap in zip(own_rngs, own_sigma, own_cap, strict=True):
            need = sigma[part] > 0
            if need.any():
                emission[need] *= _normal_multipliers(
                    rng, sigma[part][need], iterations, None if cap is None else cap[part][need]
                )
        samples[0] += emission.sum(axis=0)
        in_category = category[part][None, :] == np.arange(n_categories)[:, None]
        samples[1 : 1 + n_categories] += in_category.astype(float) @ emission
        first, sums = _run_sums(subject[part], emission)
        samples[1 + n_categories + first] += sums
    return samples


def _run_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums of ``values`` rows over runs of equal ``keys``: (key of each run, sums).

    Adds the k-th row of every run in one step, k = 0, 1, …; for short runs this is several
    times faster than ``np.add.reduceat`` along axis 0.
    """
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    lengths = np.diff(np.r_[starts, len(keys)])
    sums = values[starts]
    for k in range(1, int(lengths.max())):
        longer = lengths > k
        sums[longer] += values[starts[longer] + k]
    return keys[starts], sums


def _intervals(
    labels: list[tuple[str, str]], central: np.ndarray, samples: np.ndarray
) -> pd.DataFrame:
    """Interval table: percentiles of the samples (reordered in place) and half-widths in % of
    the central value."""
    mean = samples.mean(axis=1)
    low, high = np.percentile(samples, PERCENTILES, axis=1, overwrite_input=True)
    scale = np.abs(central)
    with np.errstate(divide="ignore", invalid="ignore"):
        minus = np.where(scale > 0, (central - low) / scale * 100.0, np.nan)
        plus = np.where(scale > 0, (high - central) / scale * 100.0, np.nan)
    return pd.DataFrame(
        {
            "scope": [scope for scope, _ in labels],
            "key": [key for _, key in labels],
            "central_tco2": central,
            "mean_tco2": mean,
            "low_tco2": low,
            "high_tco2": high,
            "minus_pct": minus,
            "plus_pct": plus,
        },
        columns=INTERVAL_COLUMNS,
    )
