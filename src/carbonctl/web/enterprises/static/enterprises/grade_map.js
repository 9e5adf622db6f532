// The county grade map (碳效码分布): Shanxi's counties coloured by the share of their graded
// enterprises in grades 4–5 (grey: no graded enterprise). Boundaries come from the platform
// itself, joined by adcode. Shares arrive formatted from the server (carbonctl.display).
(function () {
  "use strict";
  // Tooltips on the canvas (richText): HTML tooltips carry style="" attributes the CSP refuses.
  const data = JSON.parse(document.getElementById("grade-data").textContent);
  const english = document.documentElement.lang.startsWith("en");
  const byCode = Object.fromEntries(data.counties.map((c) => [c.adcode, c]));
  const element = document.getElementById("map");
  const map = echarts.init(element);
  fetch(element.dataset.url)
    .then((response) => response.json())
    .then((geojson) => {
      echarts.registerMap("shanxi-grades", geojson);
      map.setOption({
        tooltip: {
          trigger: "item",
          renderMode: "richText",
          formatter: (p) => {
            const c = byCode[p.name];
            if (!c) return "";
            const grades = c.counts.map((n, i) => (english ? `grade ${i + 1}: ${n}` : `${i + 1}级 ${n}`));
            const share = english ? "grades 4–5" : "4–5级占比";
            return `${c.name}\n${grades.join(" · ")}\n${share} ${c.share}`;
          },
        },
        visualMap: {
          min: 0,
          max: 100,
          text: english ? ["grades 4–5: 100%", "0%"] : ["4–5级占比 100%", "0%"],
          inRange: { color: ["#2e8b57", "#f1c40f", "#c0392b"] },
          calculable: false,
          left: "left",
          bottom: 10,
        },
        series: [{
          type: "map",
          map: "shanxi-grades",
          nameProperty: "name",
          selectedMode: false,
          itemStyle: { areaColor: "#b0b8bf" },
          data: data.counties.map((c) => ({ name: c.adcode, value: c.share_value })),
        }],
      });
      window.chartsReady = true;
    });
})();
