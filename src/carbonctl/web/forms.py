"""Page query parameters (查询参数) through Django forms: a bad value is a 400 naming the
parameter and what was wrong, never a 500 and never silently replaced by a default.

A view calls ``query(request, SomeQuery)`` and reads the cleaned values; :class:`BadQuery` is
answered by :class:`QueryErrorMiddleware`. The API's query parameters take the same bounds
through the annotated types at the end (django-ninja answers a bad one 422 with its name).
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class BadQuery(BadRequest):
    """Query parameters that do not validate; the message names each bad parameter."""

    def __init__(self, form: forms.Form) -> None:
        self.form = form
        super().__init__(
            "; ".join(
                f"{name}: {' '.join(str(e) for e in errors)}"
                for name, errors in form.errors.items()
            )
        )


def query(request: HttpRequest, form_class: type[forms.Form], data=None, **kwargs) -> dict:
    """The cleaned parameters of ``request.GET`` (or ``data``, e.g. ``request.POST``) by
    ``form_class``; raises :class:`BadQuery` when one is invalid."""
    form = form_class(request.GET if data is None else data, **kwargs)
    if not form.is_valid():
        raise BadQuery(form)
    return form.cleaned_data


class YearField(forms.IntegerField):
    """A calendar year (年份); integers only, so ``nan``, ``inf`` and ``2020.5`` are refused."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", datetime.MINYEAR)
        kwargs.setdefault("max_value", datetime.MAXYEAR)
        super().__init__(**kwargs)


class MonthField(forms.RegexField):
    """A month as ``YYYY-MM`` (月份)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(r"^\d{4}-(0[1-9]|1[0-2])$", **kwargs)


def format_field(*formats: str) -> forms.ChoiceField:
    """The optional ``format`` parameter of a page that also exports (``xlsx``, ``pdf``)."""
    return forms.ChoiceField(required=False, choices=[(f, f) for f in formats])


class ExportQuery(forms.Form):
    """A page whose only parameter is ``format=xlsx``."""

    format = format_field("xlsx")


#: An absolute file-system path inside a message: POSIX (``/tmp/tmpab12/报表.csv``, not the
#: ``/`` of a URL or of a unit such as ``t/万元``) or Windows (``C:\\data\\x.csv``).
_PATH = re.compile(
    r"(?<![\w:/.])(?:/[^\s'\"<>()/]+){2,}/?"
    r"|\b[A-Za-z]:\\(?:[^\s'\"<>()\\]+\\?)+"
)


def without_paths(text: str) -> str:
    """``text`` with each absolute file-system path shortened to its last part (the file name
    a user knows), so that no message shows the server's folders (temporary folders, the
    installation, the data folder)."""

    def name(match: re.Match) -> str:
        path = match.group(0)
        pure = PureWindowsPath(path) if ":" in path[:3] else PurePosixPath(path)
        return pure.name or path

    return _PATH.sub(name, text)


@contextmanager
def saved_upload(upload) -> Iterator[Path]:
    """An uploaded file written to a temporary folder as ``upload<suffix>`` (the readers choose
    by suffix; the user's file name never becomes a server path), removed afterwards."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


def public_message(error: BaseException) -> str:
    """What a user is told of ``error``: its message (carbonctl errors say what was wrong and
    where) with server paths removed (:func:`without_paths`)."""
    return without_paths(str(error))


class QueryErrorMiddleware:
    """Answers :class:`BadQuery` with 400 and its message (plain text, like the other refusals
    pages give); Django's own 400 page would hide the message."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, BadQuery):
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None


def form_errors(form: forms.Form) -> list[str]:
    """A bound form's errors as "label: messages" lines, one per field."""
    return [f"{form.fields[k].label or k}: {' '.join(v)}" for k, v in form.errors.items()]
