"""A crawler for the platform as a user sees it: from the home page, follow every link on the
pages a role reaches (menus, tables, exports), in one language, and report dead links and
internal keys on the pages and in the Excel exports.

Keys that must not show come from the registries (:func:`carbonctl.web.labels.page_keys`); a
page's text is scanned with one pattern of every key and every label, longest first, so a key
inside a label ("equal" in "equal reduction") is part of the label and not a finding, while a
label inside a key ("钢铁" in "钢铁 steel") does not hide the key."""

from __future__ import annotations

import io
import re
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import override

from carbonctl import labels as core
from carbonctl.web.labels import page_keys

#: Links a crawl does not follow: leaving, switching language, the admin site (Django's own
#: pages), the API (JSON for programs), map geometry; and PDFs, whose text it cannot read (the
#: tests of each PDF check it opens), by path, by ``format=pdf`` or by the link's
#: ``type="application/pdf"``.
SKIP = re.compile(r"^/(en/)?(accounts/logout|i18n/|admin/|api/|maps/)|\.pdf$")
#: Query parameters that only page or sort a list: one value of each is enough.
PAGING = {"page", "sort", "order"}


#: Elements that never close (their start tag opens nothing to skip).
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
#: Headers of export columns that quote their sources (citations, notes, status details): their
#: text is the source's own words, in whatever language and terms the source used.
CITED_HEADERS = re.compile(r"来源|依据|备注|说明|[Ss]ource|[Nn]ote")


class _Page(HTMLParser):
    """The visible text of a page (not scripts, styles, hidden inputs, nor quoted citations —
    elements of class ``cite``) and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._open: list[tuple[str, bool]] = []  # open elements: tag, whether it is skipped

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skipped = (
            tag in ("script", "style", "template", "textarea")
            or "cite" in (attributes.get("class") or "").split()
        )
        if tag not in VOID:
            self._open.append((tag, skipped))
        # a link typed as a PDF is not followed: the crawl cannot read a PDF's text, and the
        # tests of each PDF check it opens (rendering one takes seconds)
        if tag == "a" and attributes.get("href") and attributes.get("type") != "application/pdf":
            self.links.append(attributes["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attributes.get(name) and not self._skip:
                self.text.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and not self._skip:
            self.text.append(attributes.get("value") or "")

    @property
    def _skip(self) -> bool:
        return any(skipped for _tag, skipped in self._open)

    def handle_endtag(self, tag):
        # close up to the matching element (HTML lets some end tags be left out)
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(html: str) -> tuple[str, list[str]]:
    """The visible text (lines joined by newlines) and the links of ``html``."""
    parser = _Page()
    # a browser reads "&sector=" in a link as it is (HTML's rule for attribute values); Python's
    # parser would read "&sect" as "§"
    parser.feed(re.sub(r"&(?=[A-Za-z][A-Za-z0-9]*=)", "&amp;", html))
    return "\n".join(t.strip() for t in parser.text if t.strip()), parser.links


#: A key that looks like code (``per_capita``, ``A02.2.13``, ``CONFIRMED``), not like a word: in
#: English text only these are findings, as "city" or "budget" are also plain English.
CODE_LIKE = re.compile(r"[_.0-9]|^[A-Z][A-Z ]+[A-Z]$")
#: Chinese earlier on the line: an English word after it is the English half of a bilingual
#: label ("实际 actual", "二氧化碳排放（化石燃料燃烧） CO2, combustion"), not a key on its own.
BILINGUAL = re.compile(r"[\u4e00-\u9fff）]")
#: Input templates are forms to fill in: their field names are the file format's, by design.
TEMPLATES = re.compile(r"template\.xlsx$")


@cache
def _scanner(lang: str) -> tuple[re.Pattern, frozenset[str]]:
    keys = page_keys(lang)
    if lang == "en":
        keys = {k: v for k, v in keys.items() if CODE_LIKE.search(k)}
    names = {n for kind in core.LABEL_KINDS for n in core.labels(kind, lang).values()}
    return re.compile(_trie_pattern(set(keys) | names)), frozenset(set(keys) - names)


def _trie_pattern(words: set[str]) -> str:
    """One pattern of ``words`` matching, at a position, the longest word there — as an
    alternation sorted longest first would, but as a trie of shared prefixes, which Python's
    regex engine walks in one pass instead of trying thousands of alternatives at each
    character. An ASCII word is a word of its own ("gas" is not in "gasoline"): a word starting
    with an ASCII letter or digit must not follow one, and one ending with it must not be
    followed by one."""
    end = ""  # the key of a node's end-of-word mark (no character is empty)
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[end] = True

    def alnum(char: str) -> bool:
        return char.isascii() and char.isalnum()

    def walk(node: dict, last: str) -> str:
        branches = [re.escape(c) + walk(child, c) for c, child in sorted(node.items()) if c]
        stop = ("(?![A-Za-z0-9_])" if alnum(last) else "") if end in node else None
        if not branches:
            return stop or ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if stop is None:
            return body
        # the longer words first (greedy), the word ending here if none of them matches
        return f"(?:{body}|{stop})" if stop else f"(?:{body})?"

    heads = []
    for char, child in sorted(trie.items()):
        head = ("(?<![A-Za-z0-9_])" if alnum(char) else "") + re.escape(char) + walk(child, char)
        heads.append(head)
    return "|".join(heads)


def _line_before(text: str, end: int) -> str:
    return text[text.rfind("\n", 0, end) + 1 : end]


def internal_keys_in(text: str, lang: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """The internal keys shown in ``text`` (not as part of a label, nor as the English half of a
    bilingual "中文 English" label), in order; ``data`` are words of the users' own data that may
    look like keys (user names such as "reviewer") and are removed first."""
    for word in data:
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", " ", text)
    pattern, forbidden = _scanner(lang)
    return [
        m.group(0)
        for m in pattern.finditer(text)
        if m.group(0) in forbidden
        and not (m.group(0).isascii() and BILINGUAL.search(_line_before(text, m.start())))
    ]


def xlsx_text(content: bytes) -> str:
    """Every cell's text of an Excel workbook, sheet titles included, but not the columns that
    quote sources (:data:`CITED_HEADERS`)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        cited: set[int] = set()
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            if number == 0:
                cited = {i for i, v in enumerate(row) if CITED_HEADERS.search(str(v or ""))}
            cells.extend(str(v) for i, v in enumerate(row) if isinstance(v, str) and i not in cited)
    return "\n".join(cells)


@dataclass
class Findings:
    """What a crawl found: dead links (page, link, status) and internal keys (page, keys)."""

    pages: int = 0
    exports: int = 0
    dead: list[tuple[str, str, int]] = field(default_factory=list)
    keys: list[tuple[str, list[str]]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)


def _pattern_of(path: str, query: str) -> str | None:
    """Which view a link opens, with the names of its query parameters: two links to the same
    view with the same parameters show the same page for other data, one is enough."""
    try:
        # the URLs without a language prefix are the Chinese ones, whichever language a
        # request activated last
        with override("zh-hans"):
            match = resolve(path[3:] if path.startswith("/en/") else path)
    except Resolver404:
        return None
    params = sorted({k for k, _ in parse_qsl(query)} - PAGING)
    return f"{match.view_name}|{len(match.args) + len(match.kwargs)}|{','.join(params)}"


def crawl(
    client,
    start: str,
    lang: str,
    *,
    data: tuple[str, ...] = (),
    per_view: int = 1,
    limit: int = 400,
) -> Findings:
    """Follow every same-site link from ``start`` as ``client``'s user (at most ``per_view``
    pages of one view and parameter set), checking each response and its text (``data``: see
    :func:`internal_keys_in`)."""
    found = Findings()
    queue: deque[tuple[str, str]] = deque([("", start)])
    visited: set[str] = set()
    per: dict[str, int] = {}
    while queue and found.pages + found.exports < limit:
        source, url = queue.popleft()
        parts = urlsplit(url)
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in PAGING])
        target = parts.path + (f"?{query}" if query else "")
        if target in visited or SKIP.search(parts.path) or "format=pdf" in query:
            continue
        visited.add(target)
        pattern = _pattern_of(parts.path, query)
        if pattern is None:
            found.dead.append((source, target, 404))
            continue
        if per.get(pattern, 0) >= per_view:
            continue
        per[pattern] = per.get(pattern, 0) + 1
        response = client.get(target, follow=True)
        if response.status_code != 200:
            found.dead.append((source, target, response.status_code))
            continue
        found.seen.append(target)
        kind = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "spreadsheetml" in kind:
            found.exports += 1
            if TEMPLATES.search(parts.path):
                continue
            text = xlsx_text(body)
        elif "pdf" in kind or "csv" in kind or "json" in kind or "zip" in kind:
            found.exports += 1
            continue
        else:
            found.pages += 1
            text, links = parse(body.decode("utf-8"))
            base = response.request["PATH_INFO"]
            for link in links:
                absolute = urljoin(base, link)
                if urlsplit(absolute).netloc or absolute.startswith(("mailto:", "#")):
                    continue
                queue.append((target, absolute.split("#")[0]))
        keys = internal_keys_in(text, lang, data=data)
        if keys:
            found.keys.append((target, sorted(set(keys))))
    return found
