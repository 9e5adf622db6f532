"""Labels in the active language (页面标签): ``{% load labels %}{{ key|label:"fuel" }}`` in a
template, :func:`label` in Python — the names of :mod:`carbonctl.labels` in Chinese, or in
English when the user chose English, so no page or export shows an internal key.

:func:`page_keys` lists the keys that must not reach a page in a language: those of the core
registries and the stored values of the platform's own choices (roles, statuses, kinds), whose
names Django translates."""

from __future__ import annotations

import re

from django import template
from django.apps import apps
from django.utils.translation import get_language, override

from carbonctl import labels as core

register = template.Library()


def language() -> str:
    """``zh`` or ``en``: the active language of the request."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def label(kind: str, key: object) -> str:
    """The name of ``key`` (a ``kind`` of :data:`carbonctl.labels.LABEL_KINDS`) in the active
    language; an unknown key as it is."""
    return core.label(kind, key, language())


def labels(kind: str) -> dict[str, str]:
    """Key -> name of every key of ``kind`` in the active language."""
    return dict(core.labels(kind, language()))


def item_label(item_id: object, item: object = "") -> str:
    """An activity row's item (fuel or process material) in the active language."""
    return core.item_label(item_id, item, language())


@register.filter(name="item")
def item_filter(row) -> str:
    """``{{ activity|item }}``: the name of an activity row's item (``item_id``, ``item``)."""
    return item_label(getattr(row, "item_id", ""), getattr(row, "item", ""))


@register.filter(name="factor")
def factor_filter(factor_id: object) -> str:
    """``{{ row.factor_id|factor }}``: a fuel's or a material's factor (``fuel:coke``,
    ``process:limestone_flux``) by the fuel's or material's name, another factor (a grid factor's
    id) as it is."""
    return core.factor_label(factor_id, language())


@register.filter(name="label")
def label_filter(key: object, kind: str) -> str:
    """``{{ fuel_id|label:"fuel" }}``: the key's name in the active language."""
    return label(kind, key)


#: "中文说明 (English text)": a label of stored data written in both languages.
_BILINGUAL = re.compile(
    r"^(?P<zh>.*[\u4e00-\u9fff].*?)\s*[(（](?P<en>[^()（）]*[A-Za-z][^()（）]*)[)）]\s*$", re.S
)


def bilingual_text(text: object) -> str:
    """The half of a stored "中文 (English)" text in the active language (the whole text when it
    is not written so)."""
    value = str(text or "")
    match = _BILINGUAL.match(value)
    if match is None:
        return value
    return match.group("en") if language() == "en" else match.group("zh")


@register.filter(name="bilingual")
def bilingual_filter(text: object) -> str:
    """``{{ dataset.label|bilingual }}``: :func:`bilingual_text`."""
    return bilingual_text(text)


def status_text(text: object) -> str:
    """:func:`carbonctl.labels.status_text` in the active language."""
    return core.status_text(text, language())


@register.filter(name="status")
def status_filter(text: object) -> str:
    """``{{ row.status|status }}``: :func:`status_text`."""
    return status_text(text)


def choice_keys(lang: str) -> dict[str, str]:
    """Stored value -> "app.model.field" of every choice of the platform's models whose name in
    ``lang`` differs from the value (``reviewer`` is 审核人员 in Chinese, Reviewer in English)."""
    keys: dict[str, str] = {}
    with override("en" if lang == "en" else "zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("carbonctl."):
                continue
            for field in model._meta.get_fields():
                for value, name in getattr(field, "flatchoices", None) or ():
                    text = str(value)
                    if text != str(name) and len(text) > 2 and not text.isdigit():
                        keys.setdefault(text, f"{model._meta.label}.{field.name}")
    return keys


def page_keys(lang: str) -> dict[str, str]:
    """Every internal key that must not be seen on a page in ``lang`` -> where it comes from."""
    return {**choice_keys(lang), **core.internal_keys(lang)}
