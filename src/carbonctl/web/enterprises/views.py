"""Enterprise pages, within the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from carbonctl.web.accounts.scope import enterprise_or_404
from carbonctl.web.enterprises.sections import sections_for


@login_required
def enterprise_detail(request, enterprise_id: int):
    enterprise = enterprise_or_404(request, enterprise_id)
    submissions = enterprise.submissions.select_related("factor_set").order_by("-uploaded_at")
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "submissions": submissions,
            "sections": sections_for(request, enterprise),
        },
    )
