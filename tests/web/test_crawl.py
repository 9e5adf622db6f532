"""Every role, both languages: the crawl from the home page through every menu-reachable link and
export finds no dead link and no internal key (issue 17's "Done when").

The demo here is the control demo (inventories 2024–2025, the electricity demo, the outlook, the
budgets, warnings and projects), with the demo users of every role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from .crawl import crawl, internal_keys_in, parse

pytestmark = [pytest.mark.django_db, pytest.mark.pages]

ROLES = [
    "admin",
    "analyst",
    "reviewer",
    "taiyuan",
    "xiaodian",
    "reporter",
    "verifier",
    "public",
    None,
]


@pytest.fixture(scope="module")
def demo(control_demo):
    return control_demo


def test_the_scanner_finds_keys_and_not_labels():
    text, links = parse(
        '<p title="per_capita">人均法</p><b>Beverage Production</b><script>"gdp"</script>'
        '<a href="/x/?a=1">钢铁 steel</a>'
    )
    assert links == ["/x/?a=1"]
    assert internal_keys_in(text, "zh") == ["per_capita", "Beverage Production", "钢铁 steel"]
    # in English "equal reduction" is the label of `equal`, and CEADs names are names
    assert internal_keys_in("equal reduction; Beverage Production; gasoline", "en") == []
    assert internal_keys_in("method: per_capita", "en") == ["per_capita"]
    # the English half of a bilingual label is not a key; a user's name is data
    text = "实际 actual\n审核人: reviewer\nscope: city"
    assert internal_keys_in(text, "zh", data=("reviewer",)) == ["city"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_no_dead_link_and_no_internal_key(demo, client, username, lang):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    usernames = tuple(get_user_model().objects.values_list("username", flat=True))
    found = crawl(client, "/en/" if lang == "en" else "/", lang, data=usernames)
    assert found.pages > 0
    assert found.dead == [], found.dead
    assert found.keys == [], found.keys


def test_pdf_links_are_typed_and_not_followed():
    _text, links = parse(
        '<a href="/budget/140000/report/?year=2026" type="application/pdf">PDF</a>'
        '<a href="/budget/140000/">预算</a>'
    )
    assert links == ["/budget/140000/"]
