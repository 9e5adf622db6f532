"""Carbon metrology (碳计量) on the platform: meters, calibrations and metering points of the
enterprises (issue 18); the rules are :mod:`carbonctl.metrology`'s."""
