"""Fixed-asset investment projects (固定资产投资项目): the project file, the energy review and
carbon evaluation on the accounting engine (节能审查和碳排放评价), and the impact on the city.
Pure; see docs/projects.md."""

from carbonctl.projects.assess import (
    CO2_PARTS,
    GRADES,
    REVIEW_LEVELS,
    BenchmarkEntry,
    EnergyFigures,
    ProjectAssessment,
    assess,
    review_level,
)
from carbonctl.projects.calculation import (
    Decision,
    Sheet,
    calculation_sheets,
    write_calculation,
)
from carbonctl.projects.filing import (
    KINDS,
    CapacityReplacement,
    Product,
    ProjectFiling,
    filing_from_mapping,
    filing_mapping,
)
from carbonctl.projects.impact import CityImpact, city_impact
from carbonctl.projects.reader import read_project
from carbonctl.projects.workbook import write_template

__all__ = [
    "CO2_PARTS",
    "GRADES",
    "KINDS",
    "REVIEW_LEVELS",
    "BenchmarkEntry",
    "CapacityReplacement",
    "CityImpact",
    "Decision",
    "EnergyFigures",
    "Product",
    "ProjectAssessment",
    "ProjectFiling",
    "Sheet",
    "assess",
    "calculation_sheets",
    "city_impact",
    "filing_from_mapping",
    "filing_mapping",
    "read_project",
    "review_level",
    "write_calculation",
    "write_template",
]
