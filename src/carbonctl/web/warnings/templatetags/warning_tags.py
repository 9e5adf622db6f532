"""``{% load warning_tags %}{% unread_badge %}``: the number of the user's unread warning
notifications (未读预警) as a badge linking to their inbox, nothing when there are none or the
user has no warning pages."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from carbonctl.web.accounts.permissions import can_view_warnings

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_badge(context) -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated or not can_view_warnings(user):
        return ""
    from carbonctl.web.warnings.services import unread_for

    count = unread_for(user).count()
    if not count:
        return ""
    return format_html(
        '<a href="{}" class="badge" id="unread-badge" title="{}">{}</a>',
        reverse("warnings:inbox"),
        _("未读预警通知"),
        count,
    )
