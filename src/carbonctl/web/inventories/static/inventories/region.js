// Region inventory page: the stacked trend by key industry (values arrive in 万吨 from the
// server; colours from palette.js by key industry), the year selector, and the collapsible
// key-industry groups of the sector × fuel matrix (rows are hidden by the server, not here,
// so the page reads the same before this script runs).
(function () {
  "use strict";
  const yearSelect = document.getElementById("year-select");
  if (yearSelect) yearSelect.addEventListener("change", () => yearSelect.form.submit());

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    const group = document.getElementById(button.getAttribute("aria-controls"));
    group.querySelectorAll("tr.sector").forEach((row) => { row.hidden = !open; });
  }
  const toggles = [...document.querySelectorAll("#matrix button.toggle")];
  toggles.forEach((button) => button.addEventListener("click", () =>
    setOpen(button, button.getAttribute("aria-expanded") !== "true")));
  const expand = document.getElementById("expand-all");
  const collapse = document.getElementById("collapse-all");
  if (expand) expand.addEventListener("click", () => toggles.forEach((b) => setOpen(b, true)));
  if (collapse) collapse.addEventListener("click", () => toggles.forEach((b) => setOpen(b, false)));

  const element = document.getElementById("trend-chart");
  if (!element) { window.chartsReady = true; return; }
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const chart = echarts.init(element);
  // Tooltips on the canvas (richText): ECharts' HTML tooltips carry style="" attributes, which
  // the Content-Security-Policy refuses.
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: (v) => `${v} ${data.unit}` },
    legend: { top: 0, type: "scroll" },
    grid: { left: 64, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: data.unit },
    series: data.series.map((s) => ({
      name: s.name,
      type: "bar",
      stack: "total",
      emphasis: { focus: "series" },
      itemStyle: { color: window.carbonctlPalette.keyIndustry(s.colour) },
      data: s.values,
    })),
  });
  window.addEventListener("resize", () => chart.resize());
  // Browser tests wait for this flag: ECharts' own "finished" may fire before a late listener.
  window.chartsReady = true;
})();
