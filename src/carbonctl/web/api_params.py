"""Parameter types the API's operations share (接口参数): each states in the OpenAPI document what
it accepts, so a bad value is a 422 naming the parameter before any query runs — never a 500
from the database (an id past 64 bits, a NUL byte PostgreSQL refuses, a year of 10^20)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

#: A 6-digit administrative division code (行政区划代码), e.g. 140105.
Adcode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$"), Field(examples=["140105"])]

#: A calendar year (年份), as the pages accept it.
Year = Annotated[int, Field(ge=datetime.MINYEAR, le=datetime.MAXYEAR, examples=[2020])]

#: A month as ``YYYY-MM`` (月份).
Month = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"), Field(examples=["2025-10"])
]

#: The id of a stored object (a 64-bit database key).
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1, examples=[1])]

#: A factor-set code (排放因子集), e.g. ``GB/T 32150-2015``.
FactorSetCode = Annotated[
    str,
    StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$"),
    Field(examples=["GB/T 32150-2015"]),
]

#: A short name or code typed by a person (a factor-set code, a sector, a sheet, a plan): no
#: control characters, at most 200 characters.
Name = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]

#: Free text such as a review note (审核意见): line breaks and tabs, but no other control
#: characters.
Note = Annotated[
    str, StringConstraints(max_length=4000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
]

#: A fraction such as an intensity-reduction target (0–1); finite.
Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, examples=[0.17])]

#: An annual growth rate (−100 % to +100 %); finite.
GrowthRate = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False, examples=[0.05])]


# --- the OpenAPI document -------------------------------------------------------------------

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _not_null(schema: dict[str, Any]) -> None:
    """``anyOf: [X, {"type": "null"}]`` → X, in place (keeping title, default, description)."""
    choices = schema.get("anyOf")
    if not choices or {"type": "null"} not in choices:
        return
    rest = [choice for choice in choices if choice != {"type": "null"}]
    if len(rest) == 1:
        del schema["anyOf"]
        schema.update(rest[0])
    else:
        schema["anyOf"] = rest


def parameters_not_null(document: dict[str, Any]) -> dict[str, Any]:
    """A query string or a form cannot carry ``null``: an optional parameter is left out, not
    sent empty. pydantic writes ``X | None`` as "X or null"; this says "X, not required" for
    every path, query and form parameter (JSON bodies keep their nulls). A parameter's examples
    become the map OpenAPI asks for (ninja copies the list of its schema's examples)."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                _not_null(parameter.get("schema", {}))
                if isinstance(parameter.get("examples"), list):
                    parameter["examples"] = {
                        str(value): {"value": value} for value in parameter["examples"]
                    }
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in _FORMS:
                properties = content.get(media_type, {}).get("schema", {}).get("properties", {})
                for schema in properties.values():
                    _not_null(schema)
    return document
