"""Region pages: the province with its cities and their counties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from carbonctl.web.accounts.scope import enterprises_for, region_or_404
from carbonctl.web.regions.models import Region


def region_list(request):
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
