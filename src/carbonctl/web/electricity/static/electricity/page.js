// Electricity–carbon page: daily electricity and estimated CO2, the monthly nowcast with its 90 %
// band against last year, and the county map of the change on last year (joined by adcode).
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("electricity-data").textContent);
  const english = document.documentElement.lang.startsWith("en");
  const t = (zh, en) => (english ? en : zh);

  // a year without meter data has no daily figures: the page then shows a note, not the chart
  const dailyNode = document.getElementById("daily");
  if (dailyNode) {
    const daily = echarts.init(dailyNode);
    daily.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: {},
      xAxis: { type: "category", data: data.daily.days },
      yAxis: [
        { type: "value", name: t("万千瓦时", "10^4 kWh") },
        { type: "value", name: t("吨 CO2", "t CO2") },
      ],
      series: [
        { name: t("用电量", "Electricity"), type: "line", showSymbol: false, data: data.daily.kwh },
        { name: t("估算排放", "Estimated CO2"), type: "line", showSymbol: false, yAxisIndex: 1,
          data: data.daily.tco2 },
      ],
    });
  }

  const m = data.monthly;
  const monthly = echarts.init(document.getElementById("monthly"));
  const shown = [t("90% 区间", "90% interval"), t("本年估算", "Nowcast"),
    t("上年（已校准）", "Last year (reconciled)")];
  monthly.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: shown },
    xAxis: { type: "category", data: m.months },
    yAxis: { type: "value", name: t("万吨", "10^4 t") },
    series: [
      // the band: the low bound, then the width stacked on it
      { name: "lo", type: "line", data: m.lo, stack: "band", lineStyle: { opacity: 0 },
        symbol: "none", tooltip: { show: false } },
      { name: t("90% 区间", "90% interval"), type: "line", stack: "band", symbol: "none",
        lineStyle: { opacity: 0 }, areaStyle: { color: "#9ecae1", opacity: 0.5 },
        data: m.hi.map((hi, i) => +(hi - m.lo[i]).toFixed(2)) },
      { name: t("本年估算", "Nowcast"), type: "line", data: m.tco2 },
      { name: t("上年（已校准）", "Last year (reconciled)"), type: "line",
        lineStyle: { type: "dashed" }, data: m.previous },
    ],
  });
  window.electricityCharts = dailyNode ? 2 : 1;

  const mapNode = document.getElementById("counties");
  if (mapNode) {
    fetch(mapNode.dataset.url)
      .then((response) => response.json())
      .then((geojson) => {
        const wanted = new Set(data.counties.map((c) => c.name));
        const features = geojson.features.filter((f) => wanted.has(f.properties.name));
        // names in the page's language from the data; the map file's Chinese names otherwise
        const labels = Object.fromEntries(features.map((f) => [f.properties.name, f.properties.label]));
        data.counties.forEach((c) => { if (c.label) labels[c.name] = c.label; });
        echarts.registerMap("counties", { type: "FeatureCollection", features });
        const values = data.counties.map((c) => c.value);
        const span = Math.max(...values.map(Math.abs), 1);
        echarts.init(mapNode).setOption({
          tooltip: { trigger: "item", renderMode: "richText",
            formatter: (p) => `${labels[p.name] || p.name}: ${p.value == null ? "–" : p.value}%` },
          visualMap: { min: -span, max: span, calculable: true, left: "left",
            inRange: { color: ["#2e86c1", "#f7f7f7", "#c0392b"] } },
          series: [{ type: "map", map: "counties", nameProperty: "name",
            data: data.counties }],
        });
        window.electricityMapCounties = features.length;
      });
  }
})();
