// One radar polygon per city: indicators scaled 0-100 across the cities, 100 = best.
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("radar-data").textContent);
  const chart = echarts.init(document.getElementById("radar"));
  chart.setOption({
    tooltip: { renderMode: "richText" },
    legend: { type: "scroll", bottom: 0, data: data.cities.map((c) => c.name) },
    radar: { indicator: data.indicators.map((name) => ({ name, max: 100 })) },
    series: [{
      type: "radar",
      data: data.cities.map((c) => ({ name: c.name, value: c.values })),
    }],
  });
  window.chartsReady = true;
})();
