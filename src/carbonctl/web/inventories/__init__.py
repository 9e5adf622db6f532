"""Regional inventories (区域碳排放清单): county sector × fuel CO2 by year, totals for cities and
the province, GDP and population, the overview pages and the map."""
