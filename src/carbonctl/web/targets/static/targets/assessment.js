// One city's indicator scores (0-100, 100 = the best city of the year) against the cities'
// average; a select picks the city, so the chart never overlays eleven series.
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("radar-data").textContent);
  const chart = echarts.init(document.getElementById("radar"));
  const picker = document.getElementById("radar-city");
  const show = (i) => {
    const city = data.cities[i];
    chart.setOption({
      title: { text: city.name, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { renderMode: "richText" },
      legend: { bottom: 0, data: [city.name, data.average_name] },
      radar: { indicator: data.indicators.map((name) => ({ name, max: 100, min: 0 })), radius: "62%" },
      series: [{
        type: "radar",
        data: [
          { name: data.average_name, value: data.average,
            lineStyle: { type: "dashed", color: "#7b8794" }, itemStyle: { color: "#7b8794" },
            areaStyle: { opacity: 0 } },
          { name: city.name, value: city.values,
            lineStyle: { width: 2, color: "#1d5c4d" }, itemStyle: { color: "#1d5c4d" },
            areaStyle: { opacity: 0.25, color: "#1d5c4d" } },
        ],
      }],
    });
    window.chartsReady = true;
  };
  picker.addEventListener("change", () => show(Number(picker.value)));
  if (data.cities.length) show(0);
})();
