"""The electricity–carbon demo in the platform: the core demo (history, 2025 assessment, Q4
meter data through the pipeline) saved as the current assessment."""

from __future__ import annotations

from carbonctl.demo.synthetic import DemoDataset
from carbonctl.electricity.demo import build_demo_electricity
from carbonctl.web.electricity.models import Assessment
from carbonctl.web.electricity.services import save_assessment

LABEL = (
    "演示数据：合成的山西省分县分部门月度用电与排放历史及2025年第四季度电表数据 "
    "(synthetic Shanxi electricity–carbon demo; not statistics)"
)


def load_demo_electricity(dataset: DemoDataset | None = None, *, seed: int = 20240101, demo=None):
    """Build (or take, ``demo``) and save the demo assessment; returns the :class:`Assessment`."""
    demo = demo if demo is not None else build_demo_electricity(dataset, seed=seed)
    return save_assessment(
        demo.assessment,
        demo.days,
        demo.quality,
        label=LABEL,
        synthetic=True,
        source="carbonctl.electricity.demo, docs/methodology/electricity-carbon.md",
    )


def is_loaded() -> bool:
    return Assessment.objects.filter(label=LABEL).exists()
