"""Region pages: the province with its cities and their counties."""

from __future__ import annotations

from django.shortcuts import render

from carbonctl.web.regions.models import Region


def region_list(request):
    cities = Region.objects.filter(level=Region.Level.CITY).prefetch_related("children")
    province = Region.objects.filter(level=Region.Level.PROVINCE).first()
    return render(request, "regions/list.html", {"province": province, "cities": cities})
