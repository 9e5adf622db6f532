"""The electricity–carbon page before any assessment is published (a module of its own: the
other electricity page tests share one saved assessment)."""

from __future__ import annotations

import pytest

from carbonctl.web.electricity.models import Assessment

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_page_without_an_assessment_says_so(client, province):
    assert Assessment.objects.count() == 0
    assert client.login(username="analyst", password=PASSWORD)
    page = client.get("/electricity/")
    assert page.status_code == 200 and page.context["assessment"] is None
