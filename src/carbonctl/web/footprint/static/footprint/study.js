// The top processes of a product footprint (贡献最大的过程) as a horizontal bar chart: one
// message — where the footprint comes from — with the unit in the title (kgCO2e per declared
// unit); the same numbers are in the table below the chart.
(function () {
  "use strict";
  const node = document.getElementById("top-chart");
  const data = document.getElementById("top-data");
  if (!node || !data || typeof echarts === "undefined") {
    return;
  }
  const chart = JSON.parse(data.textContent);
  const instance = echarts.init(node);
  instance.setOption({
    title: { text: chart.title, left: 0, textStyle: { fontSize: 14 } },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: chart.names, axisLabel: { width: 220, overflow: "truncate" } },
    series: [{ type: "bar", data: chart.values, itemStyle: { color: "#4e79a7" }, label: { show: true, position: "right" } }],
  });
  node.dataset.drawn = "1";
  window.addEventListener("resize", function () { instance.resize(); });
})();
