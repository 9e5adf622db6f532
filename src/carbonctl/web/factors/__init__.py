"""Factor sets and reference data pages (排放因子): every factor with its source and status."""
