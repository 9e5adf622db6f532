"""The English interface: pages under /en/ show no Chinese except data (names of regions and
enterprises, bilingual labels, reference-data text), pages without the prefix stay Chinese, and
the committed catalogues (the platform's and those of apps with their own, issue 18) are complete,
not fuzzy, and compiled (the .mo matches the .po), and no msgid has two translations."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import get_language_info

from carbonctl import refdata
from carbonctl.web.accounts.models import Role
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.regions.models import Region
from carbonctl.web.submissions.models import ActivityRecord, FactorSet, Submission

WEB = Path(__file__).resolve().parents[2] / "src" / "carbonctl" / "web"
PO_FILE = WEB / "locale" / "en" / "LC_MESSAGES" / "django.po"
#: The platform's catalogue first, then the apps' own (web/<app>/locale), which makemessages
#: fills with the strings of the app's files.
PO_FILES = [PO_FILE, *sorted(WEB.glob("*/locale/en/LC_MESSAGES/django.po"))]

# Han ideographs, CJK punctuation (、。「」) and full-width forms (：，（）).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
SHOWN_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}

UPLOAD = (
    "主体,期间,类别,品种,数量,单位\n"
    "示例太原钢铁,2023,燃料燃烧,焦炭,1000,吨\n"
    "示例太原钢铁,2023,购入电力,电力,100,万千瓦时\n"
)


class _VisibleText(HTMLParser):
    """Text a reader sees: text nodes outside scripts and styles, and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def data_values() -> list[str]:
    """Everything on the pages that is data rather than interface, longest first so that a
    name is removed before any shorter name inside it."""
    values: set[str] = set()
    for fields in (
        Region.objects.values_list("name_zh", "name_en"),
        Enterprise.objects.values_list("name_zh", "name_en", "sector", "key_industry"),
        FactorSet.objects.values_list("title_zh", "title_en", "status", "source"),
        Submission.objects.values_list("file_name"),
        ActivityRecord.objects.values_list("subject", "category", "item", "unit", "region"),
        ActivityRecord.objects.values_list("factor_id", "factor_status", "ef_unit", "note"),
    ):
        values.update(value for row in fields for value in row)
    described = refdata.load_table("factor_sets")
    for column in ("title_zh", "title_en", "status", "source"):
        values.update(described[column].astype(str))
    # The language menu names each language in itself (简体中文 / English), on every page.
    values.update(get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES)
    return sorted((v for v in values if v), key=len, reverse=True)


def without_data(text: str) -> str:
    for value in data_values():
        text = text.replace(value, "")
    return text


@pytest.fixture
def pages(client, province):
    """Paths of the pages to check, with one pending submission (uploaded by the enterprise
    reporter) so that statuses, rows and the review form appear; the client is logged in as
    the province administrator, who may see and review all of it."""
    users = province["users"]
    client.force_login(users[Role.ENTERPRISE_REPORTER])
    client.post(
        "/submissions/",
        {
            "file": SimpleUploadedFile("report.csv", UPLOAD.encode(), content_type="text/csv"),
            "enterprise": province["taiyuan"].pk,
            "factor_set": "GB/T 32150-2015",
            "grid_basis": "provincial",
        },
    )
    submission = Submission.objects.get()
    client.force_login(users[Role.PROVINCE_ADMIN])
    # path -> (a Chinese label of the page, its English translation)
    return {
        "/regions/": ("行政区划", "Administrative divisions"),
        "/regions/140100/": ("重点企业", "Key enterprises"),
        "/submissions/": ("上传并校验", "Upload and validate"),
        f"/submissions/{submission.pk}/": ("待审核", "Pending review"),
        f"/enterprises/{province['taiyuan'].pk}/": ("统一社会信用代码", "Unified social credit"),
        "/": ("尚无清单数据。", "No inventory data yet."),
        "/disclosures/": ("碳排放信息公开", "Carbon emission disclosure"),
        "/factors/": ("燃料数", "Fuels"),
    }


def _cjk_left(html: str) -> list[str]:
    return [line for line in without_data(visible_text(html)).splitlines() if CJK.search(line)]


def test_english_pages_show_no_chinese_but_data(client, pages):
    for path, (_chinese, english) in pages.items():
        response = client.get("/en" + path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert '<html lang="en">' in html, path
        assert english in html, path
        assert _cjk_left(html) == [], path


def test_pages_without_a_prefix_are_chinese(client, pages):
    for path, (chinese, english) in pages.items():
        html = client.get(path).content.decode()
        assert '<html lang="zh-hans">' in html, path
        assert chinese in html and english not in html, path
        assert "碳排放双控平台" in html, path


def test_login_page_is_english_for_anonymous_visitors(client, db):
    english = client.get("/en/accounts/login/").content.decode()
    assert "Log in" in english and "Password" in english
    assert _cjk_left(english) == []
    assert "密码" in client.get("/accounts/login/").content.decode()


def test_plural_forms_follow_the_count(client, province):
    client.force_login(province["users"][Role.PROVINCE_ADMIN])
    assert "11 cities" in client.get("/en/regions/").content.decode()
    assert "11 个市" in client.get("/regions/").content.decode()


def test_county_lists_use_the_separator_of_the_language(client, province):
    xiaodian = Region.objects.get(adcode="140105")  # Taiyuan's first county, others follow
    client.force_login(province["users"][Role.PROVINCE_ADMIN])
    assert f"{xiaodian.name_en}; " in client.get("/en/regions/").content.decode()
    assert f"{xiaodian.name_zh}、" in client.get("/regions/").content.decode()


def test_enterprise_pages_show_the_english_name_when_known(client, province):
    taiyuan = province["taiyuan"]
    taiyuan.name_en = "Example Taiyuan Steel"
    taiyuan.save()
    client.force_login(province["users"][Role.PROVINCE_ADMIN])
    assert "Example Taiyuan Steel" in client.get(f"/en/enterprises/{taiyuan.pk}/").content.decode()
    assert "示例太原钢铁" in client.get(f"/enterprises/{taiyuan.pk}/").content.decode()


# --- the catalogue -----------------------------------------------------------------------------


def _unquote(line: str) -> str:
    text = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[dict[str, object]]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags; without the
    header. Enough of the format for the files makemessages writes."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, object] = {"flags": set(), "msgctxt": None, "msgid_plural": None}
        strings: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                strings[key] += _unquote(line)
            else:
                key = line.split(" ", 1)[0]
                strings[key] = _unquote(line)
        if strings.get("msgid"):
            entry["msgctxt"] = strings.get("msgctxt")
            entry["msgid"] = strings["msgid"]
            entry["msgid_plural"] = strings.get("msgid_plural")
            forms = sorted(k for k in strings if k.startswith("msgstr"))
            entry["msgstr"] = [strings[k] for k in forms]
            entries.append(entry)
    return entries


CATALOGUE = [entry for po in PO_FILES for entry in read_po(po)]


@pytest.mark.no_database
@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_catalogue_is_complete_and_not_fuzzy(po):
    entries = read_po(po)
    assert len(entries) > 100 or po != PO_FILE
    assert po.with_suffix(".mo").exists(), "run compilemessages and commit the .mo"
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert all(entry["msgstr"]), entry["msgid"]
        assert not any(CJK.search(text) for text in entry["msgstr"]), entry["msgid"]
        if entry["msgid_plural"]:
            assert len(entry["msgstr"]) == 2, entry["msgid"]


@pytest.mark.no_database
@pytest.mark.parametrize(
    "entry", CATALOGUE, ids=[f"{e['msgctxt'] or ''}|{e['msgid'][:20]}" for e in CATALOGUE]
)
def test_compiled_catalogue_matches_the_po(entry):
    """The .mo gives exactly the .po's English: a stale .mo (edited .po, not recompiled) fails."""
    context, msgid, plural = entry["msgctxt"], entry["msgid"], entry["msgid_plural"]
    with translation.override("en"):
        if plural:
            shown = [
                translation.npgettext(context, msgid, plural, n)
                if context
                else translation.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        else:
            shown = [
                translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            ]
    assert shown == entry["msgstr"]


TRANSLATE_TAG = re.compile(r"""\{%\s*translate\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")


def _template_files() -> list[Path]:
    return sorted(WEB.glob("**/templates/**/*.html"))


@pytest.mark.no_database
@pytest.mark.parametrize("template", _template_files(), ids=lambda p: p.name)
def test_templates_mark_every_chinese_literal(template):
    """Chinese text in a template is inside {% translate %} or {% blocktranslate %}, and every
    {% translate %} literal is in the catalogue (run makemessages after adding one)."""
    source = template.read_text(encoding="utf-8")
    known = {(e["msgctxt"], e["msgid"]) for e in CATALOGUE}
    for match in TRANSLATE_TAG.finditer(source):
        assert (match.group(4), match.group(2)) in known, match.group(0)
    unmarked = re.sub(r"\{%\s*blocktranslate.*?endblocktranslate\s*%\}", "", source, flags=re.S)
    unmarked = re.sub(r"\{%\s*translate\s.*?%\}", "", unmarked)
    unmarked = re.sub(r"\{#.*?#\}", "", unmarked)
    assert CJK.findall(unmarked) == []


TITLE_BLOCK = re.compile(r"\{%\s*block title\s*%\}(.*?)\{%\s*endblock", re.S)


@pytest.mark.no_database
@pytest.mark.parametrize("template", _template_files(), ids=lambda p: p.name)
def test_a_page_title_is_text(template):
    """A page's title block holds words, not markup (a form left inside it showed as the
    browser tab's text and vanished from the page)."""
    for title in TITLE_BLOCK.findall(template.read_text(encoding="utf-8")):
        assert "<" not in title, title[:80]


@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "页面不存在或无权查看"), ("/en", "does not exist")]
)
def test_a_missing_page_is_a_page_of_the_platform_in_the_users_language(client, prefix, heading):
    """Not Django's bare English "Not Found": the platform's page with its menu, in the
    language of the address, for anyone (the public included); the status stays 404."""
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert heading in text and 'id="not-found"' in text
    assert "Not Found</h1>" not in text
