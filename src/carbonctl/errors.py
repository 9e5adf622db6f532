"""Errors carbonctl raises, named after what went wrong in the user's terms.

Each says what was wrong, where (file, row, column or object) and what was expected. The CLI maps
every :class:`CarbonctlError` to exit code 2; the web API maps it to 400/422 with the same text.
"""

from __future__ import annotations

from collections.abc import Sequence


class CarbonctlError(Exception):
    """Base class: a problem with the user's input or reference data, never a bug."""


class UnitError(CarbonctlError, ValueError):
    """A unit that is unknown or of the wrong dimension."""

    def __init__(self, text: object, expected: str) -> None:
        self.text = str(text)
        self.expected = expected
        super().__init__(f"unknown or unsuitable unit {self.text!r}; expected {expected}")


class UnknownNameError(CarbonctlError, KeyError):
    """A fuel, material, region or factor set that is not in the reference data."""

    def __init__(self, kind: str, name: object, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = str(name)
        self.suggestions = list(suggestions)
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"unknown {kind} {self.name!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class RefdataError(CarbonctlError):
    """Reference data that is missing or malformed (a factor-set file, a table)."""


class InputError(CarbonctlError):
    """Bad input data, located as precisely as possible: file, row, column, what was expected.

    ``row`` is the 1-based row number a person sees in a spreadsheet (the header is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.expected = expected
        self.detail = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {message}" if prefix else message
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


class InputErrors(CarbonctlError):
    """Several input errors found in one pass, so a user can fix a file in one go."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        lines = [str(e) for e in self.errors[:50]]
        more = len(self.errors) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__("\n".join(lines))


class MissingParameterError(InputError):
    """An activity row whose fuel has no default parameter in the chosen factor set."""
