"""The JSON API (django-ninja) under /api/v1/: one router per app, errors declared in OpenAPI.

Every error is answered as JSON with one of the bodies of :mod:`carbonctl.web.api_errors`; a
:class:`~carbonctl.errors.CarbonctlError` an operation lets through carries the message the CLI
prints, with the status :func:`~carbonctl.web.api_errors.status_for` gives it.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from carbonctl.web import api_errors, api_params
from carbonctl.web.api_errors import ERROR_STATUS, status_for
from carbonctl.web.electricity.api import router as electricity_router
from carbonctl.web.enterprises.api import router as enterprises_router
from carbonctl.web.factors.api import router as factors_router
from carbonctl.web.inventories.api import router as inventories_router
from carbonctl.web.regions.api import router as regions_router
from carbonctl.web.submissions.api import imports_router
from carbonctl.web.submissions.api import router as submissions_router

__all__ = ["ERROR_STATUS", "api", "status_for"]


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are, not as \\u escapes (readable, and smaller)."""

    json_dumps_params = {"ensure_ascii": False}


class CarbonctlAPI(NinjaAPI):
    """The API whose OpenAPI document says what a client can send and what it gets back:
    parameters are left out rather than null (:func:`~carbonctl.web.api_params.parameters_not_null`)
    and the 414 of the HTTP server in front is declared
    (:func:`~carbonctl.web.api_errors.declare_server_limits`)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return api_errors.declare_server_limits(api_params.parameters_not_null(schema))


api = CarbonctlAPI(
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
api.add_router("/market", "carbonctl.web.market.api.router")
api.add_router("/footprint", "carbonctl.web.footprint.api.router")
api_errors.install(api)
