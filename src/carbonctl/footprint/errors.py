"""Domain errors of the footprint engine (产品碳足迹计算), in the user's terms: which process,
demand or flow, and what was expected. All are :class:`~carbonctl.errors.CarbonctlError`, so
the CLI exits 2 and the API answers 4xx with the same text."""

from __future__ import annotations

from collections.abc import Sequence

from carbonctl.errors import CarbonctlError

__all__ = [
    "MissingFactorError",
    "NonSquareSystemError",
    "SingularSystemError",
    "UnknownDemandError",
]


def _listed(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "")


class SingularSystemError(CarbonctlError):
    """The technosphere matrix cannot be inverted: some product is not produced net of its own
    use (a process consuming at least one unit of its own product per unit made, or a loop of
    processes that together consume all they make)."""

    def __init__(self, processes: Sequence[str] = ()) -> None:
        self.processes = list(processes)
        where = f" (processes involved: {_listed(self.processes)})" if self.processes else ""
        super().__init__(
            "the product system is singular: its technosphere matrix cannot be inverted"
            f"{where}; expected every process to make more of its product than the system uses "
            "per unit made"
        )


class NonSquareSystemError(CarbonctlError):
    """A technosphere that is not square: more products than processes or the reverse."""

    def __init__(self, products: int, processes: int) -> None:
        self.shape = (products, processes)
        super().__init__(
            f"the technosphere is not square: {products} products and {processes} processes; "
            "expected each process to make exactly one reference product"
        )


class UnknownDemandError(CarbonctlError, KeyError):
    """A demand naming a process that is not in the product system."""

    def __init__(self, demand: str, names: Sequence[str], suggestions: Sequence[str] = ()) -> None:
        self.demand = demand
        self.names = list(names)
        hint = f"; closest process ids: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(
            f"demand {demand!r} names {_listed(self.names)}, not in the product system "
            f"(expected a process id of the system's processes table){hint}"
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class MissingFactorError(CarbonctlError):
    """A biosphere flow the chosen characterisation method has no factor for."""

    def __init__(self, method: str, flows: Sequence[str], where: Sequence[str] = ()) -> None:
        self.method = method
        self.flows = list(flows)
        rows = f" (used in {_listed(list(where))})" if where else ""
        super().__init__(
            f"no {method} characterisation factor for flow {_listed(self.flows)}{rows}; "
            "expected a gas of the GWP table (CO2, CH4, CH4 fossil, N2O, SF6 …), CO2e, or "
            "CO2 biogenic"
        )
