"""The JSON API (django-ninja) under /api/v1/: one router per app, errors declared in OpenAPI."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from carbonctl.web.electricity.api import router as electricity_router
from carbonctl.web.enterprises.api import router as enterprises_router
from carbonctl.web.factors.api import router as factors_router
from carbonctl.web.inventories.api import router as inventories_router
from carbonctl.web.regions.api import router as regions_router
from carbonctl.web.submissions.api import router as submissions_router


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are, not as \\u escapes (readable, and smaller)."""

    json_dumps_params = {"ensure_ascii": False}


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
api.add_router("/inventories", inventories_router)
api.add_router("/factor-sets", factors_router)
api.add_router("/electricity", electricity_router)
api.add_router("/targets", "carbonctl.web.targets.api.router")
