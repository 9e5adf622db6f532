"""The home page (首页) of each role and the province's large screen (数据大屏).

Who lands where follows the aggregate rule (:mod:`carbonctl.web.accounts.aggregates`): province
roles on the province's figures, a city's or county's official on their own region's, an
enterprise reporter on the enterprise's reports, warnings and projects, the public and anonymous
visitors on the published figures. The large screen shows the whole province: roles that do not
see it get 404, as for any page outside their scope, and a denial in the audit log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.permissions import aggregate_level, sees_whole_province
from carbonctl.web.accounts.scope import overview_focus
from carbonctl.web.audit.services import record_denial
from carbonctl.web.forms import query
from carbonctl.web.home import services
from carbonctl.web.home.forms import HomeQuery

#: Seconds between reloads of the large screen (its script reads it from the page).
SCREEN_REFRESH_SECONDS = 300


def index(request):
    """The home page of the user's role; open to anonymous visitors (the published figures)."""
    year = query(request, HomeQuery)["year"]
    user = request.user
    level = aggregate_level(user)
    focus = overview_focus(user) if level >= AggregateLevel.OWN_REGION else None
    if focus is not None:
        return render(request, "home/region.html", services.region_home(user, focus, year))
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if level == AggregateLevel.OWN_ENTERPRISE and profile and profile.enterprise_id:
        return render(request, "home/enterprise.html", services.enterprise_home(user))
    return render(request, "home/public.html", {"published": services.published()})


@login_required
def screen(request):
    """数据大屏: the province's figures for a wall display (province roles only)."""
    if not sees_whole_province(request.user):
        record_denial(request, "home.screen", "", "province roles only")
        raise Http404
    context = services.screen(request.user, query(request, HomeQuery)["year"])
    context["refresh_seconds"] = SCREEN_REFRESH_SECONDS
    return render(request, "home/screen.html", context)
