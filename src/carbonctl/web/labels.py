"""Labels in the active language (页面标签): ``{% load labels %}{{ key|label:"fuel" }}`` in a
template, :func:`label` in Python — the names of :mod:`carbonctl.labels` in Chinese, or in
English when the user chose English, so no page or export shows an internal key.

:func:`page_keys` lists the keys that must not reach a page in a language: those of the core
registries and the stored values of the platform's own choices (roles, statuses, kinds), whose
names Django translates."""

from __future__ import annotations

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


@register.filter(name="label")
def label_filter(key: object, kind: str) -> str:
    """``{{ fuel_id|label:"fuel" }}``: the key's name in the active language."""
    return label(kind, key)


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
