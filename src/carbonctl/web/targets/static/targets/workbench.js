// Reductions (%) of every city under every method: grouped bars, and a map of one method.
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("workbench-data").textContent);
  // reductions arrive in percent with one decimal (carbonctl.display), as the table shows them;
  // method and city names arrive in the page's language
  const percent = (v) => (v === null || v === undefined ? "–" : `${v.toFixed(1)}%`);
  const chart = echarts.init(document.getElementById("bars"));
  chart.setOption({
    title: { text: data.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: percent },
    legend: { data: data.methods, bottom: 0 },
    grid: { top: 48, left: 48, right: 16, bottom: 80 },
    xAxis: { type: "category", data: data.cities, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", name: "%" },
    series: data.methods.map((m, i) => ({ name: m, type: "bar", data: data.values[i] })),
  });
  // The map shows one method's reductions; a select above the map switches it.
  const mapElement = document.getElementById("map");
  const map = echarts.init(mapElement);
  const names = Object.fromEntries(data.adcodes.map((a, i) => [a, data.cities[i]]));
  const show = (i) => map.setOption({
    title: { text: `${data.map_title}: ${data.methods[i]}`, textStyle: { fontSize: 14 } },
    tooltip: {
      trigger: "item", renderMode: "richText",
      formatter: (p) => `${names[p.name] || p.name}: ${percent(p.value)}`,
    },
    visualMap: {
      min: Math.min(...data.values[i]), max: Math.max(...data.values[i]), calculable: true,
      formatter: (v) => percent(v),
    },
    series: [{
      type: "map", map: "shanxi",
      label: { show: true, formatter: (p) => names[p.name] || "" },
      data: data.adcodes.map((a, j) => ({ name: a, value: data.values[i][j] })),
    }],
  });
  const picker = document.createElement("select");
  picker.id = "map-method";
  picker.setAttribute("aria-label", data.map_title);
  data.methods.forEach((m, i) => picker.add(new Option(m, i)));
  picker.addEventListener("change", () => show(Number(picker.value)));
  mapElement.before(picker);
  fetch(mapElement.dataset.url).then((r) => r.json()).then((geojson) => {
    echarts.registerMap("shanxi", geojson);
    if (data.methods.length) show(0);
    window.chartsReady = true;
  });
})();
