"""carbonctl — carbon emission dual control (碳排放双控) for a province, its cities, counties and
enterprises: accounting, targets, budgets, warnings and reviews, with cited, versioned factors."""

__version__ = "0.1.0"
