// Charts of the home page and the large screen: the regions below the user's region coloured by
// their carbon barometer level (the numbers in the tooltip, a click opens the region), the
// trend of CO2 and intensity, and the monthly electricity–carbon nowcast against last year.
// Numbers arrive in their display units and words in the page's language from the server
// (carbonctl.display, Django i18n); nothing is scaled or translated here. Map boundaries come
// from the platform itself, joined by adcode.
(function () {
  "use strict";
  const source = document.getElementById("home-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const words = data.labels;
  const big = document.body.classList.contains("screen");
  const english = document.documentElement.lang.startsWith("en");
  const theme = big ? "dark" : null;
  const font = big ? 15 : 12;
  const base = big ? { backgroundColor: "transparent", textStyle: { fontSize: font } } : {};
  const charts = [];
  const pending = [];

  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style=""
  // attributes, which the Content-Security-Policy (style-src 'self') refuses.
  function tooltip(extra) {
    return Object.assign({ renderMode: "richText", textStyle: { fontSize: font } }, extra);
  }

  function start(id) {
    const element = document.getElementById(id);
    if (!element) return null;
    const chart = echarts.init(element, theme);
    charts.push(chart);
    return chart;
  }

  const mapElement = document.getElementById("map");
  if (mapElement && data.map) {
    const map = start("map");
    const byCode = Object.fromEntries(data.map.regions.map((r) => [r.adcode, r]));
    pending.push(
      fetch(mapElement.dataset.url)
        .then((response) => response.json())
        .then((geojson) => {
          // only the regions the page shows (a city's counties, or the province's cities)
          const features = geojson.features.filter((f) => byCode[f.properties.name]);
          echarts.registerMap("home-regions", { type: "FeatureCollection", features: features });
          map.setOption(Object.assign({}, base, {
            tooltip: tooltip({
              trigger: "item",
              formatter: (p) => {
                const r = byCode[p.name];
                if (!r) return "";
                return [
                  `${r.name}: ${r.level_label}`,
                  `${words.tco2} ${r.tco2_text} ${words.wan}`,
                  `${words.change} ${r.change_text}`,
                  `${words.achieved} ${r.achieved_text} · ${words.required} ${r.required_text}`,
                  words.open,
                ].join("\n");
              },
            }),
            series: [{
              type: "map",
              map: "home-regions",
              nameProperty: "name",
              top: 10,
              bottom: 10,
              selectedMode: false,
              label: {
                // county names in English are too long to fit: the tooltip names them
                show: data.map.level === "city" || !english,
                fontSize: big ? 14 : 11,
                color: "#1f2933",
                formatter: (p) => (byCode[p.name] || {}).name || "",
              },
              emphasis: { label: { color: "#000" }, itemStyle: { areaColor: "#8fd3c1" } },
              data: data.map.regions.map((r) => ({
                name: r.adcode,
                value: r.tco2,
                itemStyle: { areaColor: data.map.colours[r.level] },
              })),
            }],
          }));
          map.on("click", (p) => {
            const r = byCode[p.name];
            if (r && r.url) window.location.href = r.url;
          });
          window.mapRegions = features.length;
        })
    );
  }

  const trend = data.trend && data.trend.length ? start("trend") : null;
  if (trend) {
    trend.setOption(Object.assign({}, base, {
      tooltip: tooltip({ trigger: "axis" }),
      legend: { top: 0, textStyle: { fontSize: font } },
      grid: { left: 60, right: 60, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.trend.map((t) => t.year), axisLabel: { fontSize: font } },
      yAxis: [
        // bars start at zero, or a small change would look like a large one
        { type: "value", name: words.wan, axisLabel: { fontSize: font } },
        { type: "value", name: words.intensity_unit, scale: true, splitLine: { show: false }, axisLabel: { fontSize: font } },
      ],
      series: [
        { name: words.co2, type: "bar", data: data.trend.map((t) => t.value), itemStyle: { color: "#4f8fba" } },
        {
          name: words.intensity,
          type: "line",
          yAxisIndex: 1,
          itemStyle: { color: "#d9822b" },
          data: data.trend.map((t) => (t.intensity == null ? null : Number(t.intensity.toFixed(3)))),
        },
      ],
    }));
  }

  const nowcast = data.nowcast ? start("nowcast") : null;
  if (nowcast) {
    const n = data.nowcast;
    const width = n.hi.map((hi, i) => (hi == null || n.lo[i] == null ? null : Number((hi - n.lo[i]).toFixed(2))));
    nowcast.setOption(Object.assign({}, base, {
      tooltip: tooltip({ trigger: "axis" }),
      legend: { top: 0, data: [words.nowcast, words.previous], textStyle: { fontSize: font } },
      grid: { left: 60, right: 20, top: 36, bottom: 28 },
      xAxis: { type: "category", data: n.months, axisLabel: { fontSize: font } },
      yAxis: { type: "value", name: words.wan, scale: true, axisLabel: { fontSize: font } },
      series: [
        { name: "lo", type: "line", data: n.lo, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
        { name: words.band, type: "line", data: width, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "rgba(79, 143, 186, 0.25)" }, tooltip: { show: false } },
        { name: words.nowcast, type: "line", data: n.tco2, itemStyle: { color: "#4f8fba" } },
        { name: words.previous, type: "line", data: n.previous, itemStyle: { color: "#8a9aa6" }, lineStyle: { type: "dashed" } },
      ],
    }));
  }

  const published = data.published && data.published.length ? start("published-chart") : null;
  if (published) {
    const rows = data.published.slice().sort((a, b) => a.value - b.value);
    published.setOption(Object.assign({}, base, {
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      grid: { left: 90, right: 30, top: 28, bottom: 24 },
      xAxis: { type: "value", name: words.wan },
      yAxis: { type: "category", data: rows.map((r) => r.name) },
      series: [{ name: words.co2, type: "bar", data: rows.map((r) => r.value), itemStyle: { color: "#4f8fba" } }],
    }));
  }

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  // Browser tests wait for this flag: ECharts' own "finished" may fire before a late listener.
  Promise.all(pending).then(() => { window.chartsReady = true; });
})();
