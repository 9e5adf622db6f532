"""The JSON API (django-ninja) under /api/v1/: one router per app, errors declared in OpenAPI.

Every :class:`~carbonctl.errors.CarbonctlError` an operation lets through is answered as JSON
``{"detail": <the message the CLI prints>}`` with the status :func:`status_for` gives it.
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from carbonctl.errors import CarbonctlError, InputError, InputErrors, UnitError, UnknownNameError
from carbonctl.web.electricity.api import router as electricity_router
from carbonctl.web.enterprises.api import router as enterprises_router
from carbonctl.web.factors.api import router as factors_router
from carbonctl.web.inventories.api import router as inventories_router
from carbonctl.web.regions.api import router as regions_router
from carbonctl.web.submissions.api import imports_router
from carbonctl.web.submissions.api import router as submissions_router


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are, not as \\u escapes (readable, and smaller)."""

    json_dumps_params = {"ensure_ascii": False}


#: HTTP status per kind of error, most specific first; any other CarbonctlError is a 400.
ERROR_STATUS: tuple[tuple[type[CarbonctlError], int], ...] = (
    (UnknownNameError, 404),  # a fuel, region, factor set … that does not exist
    (InputError, 422),  # the request's data is understood but wrong
    (InputErrors, 422),
    (UnitError, 422),
)


def status_for(error: CarbonctlError) -> int:
    """The HTTP status answering ``error`` (see :data:`ERROR_STATUS`)."""
    return next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), 400)


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="carbonctl API",
    version="1",
    description="碳排放双控平台 JSON API — carbon emission dual control platform.",
    urls_namespace="api",
)
api.add_router("/regions", regions_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/submissions", submissions_router)
api.add_router("/imports", imports_router)
api.add_router("/inventories", inventories_router)
api.add_router("/factor-sets", factors_router)
api.add_router("/electricity", electricity_router)
api.add_router("/targets", "carbonctl.web.targets.api.router")


@api.exception_handler(CarbonctlError)
def carbonctl_error(request: HttpRequest, exc: CarbonctlError) -> HttpResponse:
    """A carbonctl error as JSON, with the text the CLI prints for it (never an HTML 500)."""
    return api.create_response(request, {"detail": str(exc)}, status=status_for(exc))
