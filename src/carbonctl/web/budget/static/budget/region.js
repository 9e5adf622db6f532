// A region's budget page: the waterfall (budget → actual → committed → reserve → headroom) and the
// cumulative emissions of the year against the budget, with the forecast and its 90 % band. The
// numbers arrive in 万吨 and the labels in the page's language (json_script, no inline script).
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("budget-data").textContent);
  const RED = "#c0392b";
  const colours = { budget: "#2e86c1", actual: "#7f8c8d", committed: "#e67e22",
    reserve: "#8e44ad", headroom: "#1e8449" };

  const w = data.waterfall;
  const c = data.cumulative;
  const colourOf = (i) => (w.keys[i] === "headroom" && w.negative ? RED : colours[w.keys[i]]);
  const visible = (values) => values.map((v, i) => ({ value: v, itemStyle: { color: colourOf(i) } }));
  const hidden = { color: "transparent" };
  const label = { show: true, position: "top", formatter: (p) => (p.value ? w.values[p.dataIndex] : "") };
  echarts.init(document.getElementById("waterfall")).setOption({
    tooltip: { trigger: "axis", renderMode: "richText",
      formatter: (items) => `${items[0].name}: ${w.values[items[0].dataIndex]} ${c.labels.unit}` },
    xAxis: { type: "category", data: w.labels },
    yAxis: { type: "value", name: c.labels.unit },
    series: [
      { type: "bar", stack: "w", itemStyle: hidden, data: w.base_pos, tooltip: { show: false } },
      { type: "bar", stack: "w", data: visible(w.step_pos), label },
      { type: "bar", stack: "w", itemStyle: hidden, data: w.base_neg, tooltip: { show: false } },
      { type: "bar", stack: "w", data: visible(w.step_neg),
        label: { show: true, position: "bottom",
          formatter: (p) => (p.value && w.keys[p.dataIndex] === "headroom" ? `${w.values[p.dataIndex]}` : "") } },
    ],
  });

  const months = c.months.map((m) => `${m}${c.labels.month}`);
  const marks = c.exhaustion_month
    ? { symbol: "none", lineStyle: { color: RED, type: "dashed" },
        label: { formatter: `${c.labels.exhaustion} ${c.exhaustion}`, color: RED },
        data: [{ xAxis: c.exhaustion_month - 1 }] }
    : undefined;
  echarts.init(document.getElementById("cumulative")).setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: [c.labels.observed, c.labels.forecast, c.labels.band, c.labels.budget, c.labels.limit] },
    xAxis: { type: "category", data: months, boundaryGap: false },
    yAxis: { type: "value", name: c.labels.unit },
    series: [
      // the band: its low edge, then its width stacked on it
      { name: "lo", type: "line", stack: "band", data: c.lo, symbol: "none",
        lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: c.labels.band, type: "line", stack: "band", data: c.width, symbol: "none",
        lineStyle: { opacity: 0 }, areaStyle: { color: "#9ecae1", opacity: 0.5 } },
      { name: c.labels.observed, type: "line", data: c.observed, itemStyle: { color: "#1d5c4d" },
        markLine: marks },
      { name: c.labels.forecast, type: "line", data: c.forecast, itemStyle: { color: "#1d5c4d" },
        lineStyle: { type: "dashed" } },
      { name: c.labels.budget, type: "line", data: c.budget, symbol: "none",
        itemStyle: { color: RED } },
      { name: c.labels.limit, type: "line", data: c.limit, symbol: "none",
        itemStyle: { color: "#e0a800" }, lineStyle: { type: "dotted" } },
    ],
  });
  window.budgetCharts = 2;
})();
