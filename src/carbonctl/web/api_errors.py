"""The API's error answers (错误响应): the few bodies an error can have, the statuses each
operation declares, and the handlers that make every error under ``/api/`` one of those bodies —
JSON, never an HTML page.

- :class:`ErrorOut` ``{"detail": str}`` — 400, 401, 403, 404, 405, 409, 413, 414, 429;
- :class:`InvalidInput` ``{"detail": str, "errors": [Problem]}`` — 422: parameters that do not
  validate, unknown names (a factor set, a grid basis …), uploads with row errors;
- :class:`ServerErrorOut` ``{"detail": "internal error", "id": str}`` — 500; the traceback is
  logged (logger ``carbonctl.api``) under the same id, so a user's report finds it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from carbonctl.errors import (
    CarbonctlError,
    InputError,
    InputErrors,
    UnitError,
    UnknownNameError,
)
from carbonctl.web.api_auth import ErrorOut

logger = logging.getLogger("carbonctl.api")

#: Where the JSON API lives; below it no error is answered as a page.
API_PREFIX = "/api/"

#: The longest request target (path and query) the API reads; longer ones are refused with 414
#: before anything parses them. Below gunicorn's own limit of the request line (4094 bytes), so
#: the application, not the server, answers almost every case (see :func:`declare_server_limits`).
MAX_URI_LENGTH = 4000

__all__ = [
    "AUTH_ERRORS",
    "ErrorOut",
    "InvalidInput",
    "Problem",
    "ServerErrorOut",
    "errors",
    "install",
]


class Problem(Schema):
    """One thing wrong with a request: a parameter (``parameter`` = where.name, e.g.
    ``query.year``) or a cell of an uploaded file (``file``, ``row``, ``column``)."""

    message: str
    parameter: str | None = None
    file: str | None = None
    row: int | None = None
    column: str | None = None
    expected: str | None = None


class InvalidInput(Schema):
    """422: the request is understood but its data are wrong; nothing was written. ``errors``
    lists every problem found (all row errors of an upload, every bad parameter)."""

    detail: str
    errors: list[Problem]


class ServerErrorOut(Schema):
    """500: a fault of the platform, not of the request. ``id`` finds the traceback in the log."""

    detail: str
    id: str


#: The statuses an operation behind authentication adds: 401 (no or bad credentials) and 429
#: (too many failed attempts).
AUTH_ERRORS = (401, 429)

#: Declared by every operation: a malformed request (400), parameters that do not validate (422),
#: a fault of the platform (500).
ALWAYS = (400, 422, 500)

_SCHEMA_OF: dict[int, type[Schema]] = {422: InvalidInput, 500: ServerErrorOut}


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The ``response={…}`` entries of error statuses ``codes`` plus :data:`ALWAYS`, each with
    the body it is answered with: ``{200: Out, **errors(*AUTH_ERRORS, 404)}``."""
    return {code: _SCHEMA_OF.get(code, ErrorOut) for code in sorted({*codes, *ALWAYS})}


# --- bodies ------------------------------------------------------------------------------------


def error_id() -> str:
    """A short random id for a server error, quoted to the user and written to the log."""
    return secrets.token_hex(6)


def _expected(context: dict[str, Any] | None) -> str | None:
    if not context:
        return None
    if "expected" in context:
        return str(context["expected"])
    return ", ".join(f"{key} {value}" for key, value in context.items() if key != "error")


def validation_problems(errors_: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's (pydantic's) validation errors as :class:`Problem` records."""
    return [
        {
            "message": str(error.get("msg", "invalid value")),
            "parameter": ".".join(str(part) for part in error.get("loc", ())) or None,
            "expected": _expected(error.get("ctx")),
        }
        for error in errors_
    ]


def input_problems(error: CarbonctlError) -> list[dict[str, Any]]:
    """A carbonctl input error as :class:`Problem` records. Files are named as the user named
    them: an upload is read from a temporary folder whose path is the server's business."""
    found = error.errors if isinstance(error, InputErrors) else [error]
    problems = []
    for e in found:
        if isinstance(e, InputError):
            problems.append(
                {
                    "message": e.detail,
                    "file": Path(e.file).name if e.file else None,
                    "row": e.row,
                    "column": e.column,
                    "expected": e.expected,
                }
            )
        else:
            problems.append({"message": str(e)})
    return problems


def invalid_input(detail: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    """The body of a 422 (:class:`InvalidInput`)."""
    return {"detail": detail, "errors": problems}


def unknown_name(error: UnknownNameError, parameter: str) -> dict[str, Any]:
    """The 422 body for a parameter naming something unknown (a factor set …), with the names
    it could have been."""
    expected = f"one of {', '.join(error.suggestions)}" if error.suggestions else None
    problem = {"message": str(error), "parameter": parameter, "expected": expected}
    return invalid_input(str(error), [problem])


#: HTTP status per kind of carbonctl error, most specific first; any other is a 400. An unknown
#: name (a factor set, a grid basis) given as a parameter is bad input: 422, like a bad number.
ERROR_STATUS: tuple[tuple[type[CarbonctlError], int], ...] = (
    (UnknownNameError, 422),
    (InputError, 422),
    (InputErrors, 422),
    (UnitError, 422),
)


def status_for(error: CarbonctlError) -> int:
    """The HTTP status answering ``error`` (see :data:`ERROR_STATUS`)."""
    return next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), 400)


# --- handlers on the NinjaAPI ----------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Answer every exception an operation lets through with one of the declared bodies."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def carbonctl_error(request: HttpRequest, exc: CarbonctlError) -> HttpResponse:
        """The text the CLI prints for it; 422 bodies list the problems."""
        status = status_for(exc)
        if status == 422:
            return respond(request, invalid_input(str(exc), input_problems(exc)), 422)
        return respond(request, {"detail": str(exc)}, status)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = validation_problems(exc.errors)
        where = "; ".join(
            f"{p['parameter']}: {p['message']}" if p["parameter"] else p["message"]
            for p in problems
        )
        return respond(request, invalid_input(f"invalid request: {where}", problems), 422)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, {"detail": "not found"}, 404)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 422:
            return respond(request, invalid_input(str(exc), [{"message": str(exc)}]), 422)
        return respond(request, {"detail": str(exc)}, exc.status_code)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": str(exc) or "forbidden"}, 403)

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        logging.getLogger(f"django.security.{type(exc).__name__}").warning(
            "%s: %s", exc, request.path
        )
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return respond(request, {"detail": f"request body larger than {limit} bytes"}, 413)
        return respond(request, {"detail": f"bad request: {exc}"}, 400)

    def unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(request, {"detail": f"bad request: unreadable form data ({exc})"}, 400)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        ident = error_id()
        logger.error("server error %s on %s %s", ident, request.method, request.path, exc_info=exc)
        return respond(request, {"detail": "internal error", "id": ident}, 500)

    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        Exception: server_error,
        CarbonctlError: carbonctl_error,
        ValidationError: validation_error,
        Http404: not_found,
        HttpError: http_error,
        PermissionDenied: forbidden,
        SuspiciousOperation: suspicious,
        MultiPartParserError: unreadable,
    }
    for kind, handler in handlers.items():
        api.add_exception_handler(kind, handler)


# --- below the API: Django's own refusals ----------------------------------------------------


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiJsonErrors:
    """Middleware (first in ``MIDDLEWARE``): under :data:`API_PREFIX`, refuses request targets
    longer than :data:`MAX_URI_LENGTH` (414) and turns every error Django answers itself — 404
    of an unknown URL, 405, a 400 for a bad Host header or body, a 500 raised outside an
    operation — into the JSON bodies of this module, keeping headers such as ``Allow``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(request.get_full_path()) > MAX_URI_LENGTH:
            return JsonResponse(
                {"detail": f"request target longer than {MAX_URI_LENGTH} characters"},
                status=414,
            )
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        if response.status_code >= 500:
            ident = error_id()
            # the traceback is already logged by django.request; this line ties the id to it
            logger.error("server error %s on %s %s", ident, request.method, request.path)
            body: dict[str, Any] = {"detail": "internal error", "id": ident}
        else:
            body = {"detail": (response.reason_phrase or "error").lower()}
        converted = JsonResponse(body, status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                converted[header] = response[header]
        return converted


# --- what the server in front answers -----------------------------------------------------------


def declare_server_limits(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of an OpenAPI document the 414 that a request target too long for
    the HTTP server gets: JSON from the platform (:class:`ApiJsonErrors`), or — past gunicorn's
    4094-byte request line — the server's own short HTML page."""
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    too_long = {
        "description": "Request target too long (请求地址过长)",
        "content": {
            "application/json": {"schema": error_ref},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {})[414] = too_long  # ninja's keys are ints
    return schema
