"""Names of the assessment's keys on the pages (Chinese first; English through Django i18n): no
internal key reaches a page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: Benchmark grade (能效对标结果).
GRADES = {
    "benchmark": _("达到标杆水平"),
    "between": _("介于标杆与基准之间"),
    "below_baseline": _("劣于基准水平"),
}
#: CO2 by source (排放构成).
CO2_PARTS = {
    "combustion": _("化石燃料燃烧"),
    "process": _("工业过程（含原料用能）"),
    "electricity": _("净购入电力"),
    "heat": _("净购入热力"),
    "total": _("合计"),
}
#: Carbon-barometer level (晴雨表等级).
BAROMETER = {"red": _("红色"), "yellow": _("黄色"), "green": _("绿色")}
#: The coal rate's status when not filed.
COAL_RATE = {"filed": _("申报值")}
