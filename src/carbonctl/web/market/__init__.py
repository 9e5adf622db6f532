"""The carbon market (碳市场) on the platform: ETS units, allocations, verification, compliance,
CCER and green certificates (issue 18); the arithmetic is :mod:`carbonctl.market`'s."""
