// Reductions (%) of every city under every method, grouped bars.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("workbench-data").textContent);
  const chart = echarts.init(document.getElementById("bars"));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: data.methods },
    xAxis: { type: "category", data: data.cities },
    yAxis: { type: "value", name: "%" },
    series: data.methods.map((m, i) => ({ name: m, type: "bar", data: data.values[i] })),
  });
  window.chartsReady = true;
})();
