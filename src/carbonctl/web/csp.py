"""Content-Security-Policy (内容安全策略) on every response: pages run only the platform's own
scripts and styles, so a value that slips into a page as markup cannot run or restyle it.

The policy is ``settings.CARBONCTL_CSP``; a view that sets its own header keeps it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response and settings.CARBONCTL_CSP:
            response[HEADER] = settings.CARBONCTL_CSP
        return response
