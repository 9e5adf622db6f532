"""Region pages: the province with its cities and their counties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from carbonctl.web.accounts.scope import enterprises_for, region_or_404
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import ExportQuery, query
from carbonctl.web.regions.models import Region


def region_list(request):
    if query(request, ExportQuery)["format"] == "xlsx":
        return xlsx_response(
            "regions.xlsx",
            "regions",
            [
                "区划代码 adcode",
                "级别 level",
                "名称 name",
                "英文名称 English name",
                "上级 parent",
                "状态 status",
            ],
            [
                [r.adcode, r.level, r.name_zh, r.name_en, r.parent_id or "", r.status]
                for r in Region.objects.all()
            ],
        )
    cities = Region.objects.filter(level=Region.Level.CITY).prefetch_related("children")
    province = Region.objects.filter(level=Region.Level.PROVINCE).first()
    return render(request, "regions/list.html", {"province": province, "cities": cities})


@login_required
def region_detail(request, adcode: str):
    """A region the user may see: its counties and enterprises within the user's scope."""
    region = region_or_404(request, adcode)
    counties = region.children.all()
    enterprises = (
        enterprises_for(request.user)
        .filter(county__in=[region, *counties])
        .select_related("county")
    )
    return render(
        request,
        "regions/detail.html",
        {"region": region, "counties": counties, "enterprises": enterprises},
    )
