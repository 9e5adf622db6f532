"""Words the warning pages need for the ``calibration_overdue`` kind (its name, the cells of its
rule, the details of its warnings), added to the warnings app's labels when the metrology app
is ready, so that app does not import this one and no internal key reaches a page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND = {"calibration_overdue": _("计量器具检定/校准超期")}
CELLS = {
    "yellow_within_days": _("到期前多少天起黄色预警"),
    "explanation_lapsed": _("说明模板：检定超期"),
    "explanation_due_soon": _("说明模板：即将到期"),
}
DETAILS = {
    "meters": (_("计量器具"), ""),
    "due_on": (_("检定有效期至"), ""),
}


def register_warning_labels() -> None:
    """Add the words above to :mod:`carbonctl.web.warnings.labels` (keys already there win)."""
    from carbonctl.web.warnings import labels

    for target, words in ((labels.KINDS, KIND), (labels.CELLS, CELLS), (labels.DETAILS, DETAILS)):
        for key, value in words.items():
            target.setdefault(key, value)
