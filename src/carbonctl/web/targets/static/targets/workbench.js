// Reductions (%) of every city under every method, grouped bars.
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("workbench-data").textContent);
  // reductions arrive in percent with two decimals (carbonctl.display)
  const chart = echarts.init(document.getElementById("bars"));
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: data.methods },
    xAxis: { type: "category", data: data.cities },
    yAxis: { type: "value", name: "%" },
    series: data.methods.map((m, i) => ({ name: m, type: "bar", data: data.values[i] })),
  });
  // The map shows the first method's reductions; the legend of the bars picks no method, so a
  // select above the map switches it.
  const mapElement = document.getElementById("map");
  const map = echarts.init(mapElement);
  const names = Object.fromEntries(data.adcodes.map((a, i) => [a, data.cities[i]]));
  const show = (i) => map.setOption({
    title: { text: data.methods[i] },
    tooltip: { trigger: "item", renderMode: "richText", formatter: (p) => `${names[p.name] || p.name}: ${p.value}%` },
    visualMap: {
      min: Math.min(...data.values[i]), max: Math.max(...data.values[i]), calculable: true,
    },
    series: [{
      type: "map", map: "shanxi",
      label: { show: true, formatter: (p) => names[p.name] || "" },
      data: data.adcodes.map((a, j) => ({ name: a, value: data.values[i][j] })),
    }],
  });
  const picker = document.createElement("select");
  data.methods.forEach((m, i) => picker.add(new Option(m, i)));
  picker.addEventListener("change", () => show(Number(picker.value)));
  mapElement.before(picker);
  fetch(mapElement.dataset.url).then((r) => r.json()).then((geojson) => {
    echarts.registerMap("shanxi", geojson);
    if (data.methods.length) show(0);
    window.chartsReady = true;
  });
})();
