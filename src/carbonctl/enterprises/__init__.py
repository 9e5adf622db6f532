"""Key energy-using and carbon-emitting units (重点用能和排放单位): identity, reports, metering."""
