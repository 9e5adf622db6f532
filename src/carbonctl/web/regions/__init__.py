"""Administrative regions (行政区划): Shanxi, its 11 cities and 117 county-level units."""
