"""Product carbon footprints (产品碳足迹, seed measures 十四–十七): the LCA matrix engine, the
background database, foreground product models, studies, label grades (碳标识), PACT and CBAM."""
