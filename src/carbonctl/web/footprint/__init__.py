"""Product carbon footprints on the platform (产品碳足迹, issue 19): studies, the background
database's versions, suppliers' PACT footprints, label grades."""
