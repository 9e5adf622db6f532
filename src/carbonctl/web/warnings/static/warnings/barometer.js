// The carbon barometer map (碳排放晴雨表): Shanxi's cities coloured by their latest grade
// (red / yellow / green, grey for a city without one). Boundaries come from the platform itself
// (joined by adcode). Percentages arrive formatted from the server (carbonctl.display).
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("barometer-data").textContent);
  const english = document.documentElement.lang.startsWith("en");
  const colours = { red: "#c0392b", yellow: "#f1c40f", green: "#2e8b57", "": "#b0b8bf" };
  const byCode = Object.fromEntries(data.cities.map((c) => [c.adcode, c]));
  const element = document.getElementById("map");
  const map = echarts.init(element);
  fetch(element.dataset.url)
    .then((response) => response.json())
    .then((geojson) => {
      echarts.registerMap("shanxi-barometer", geojson);
      map.setOption({
        tooltip: {
          trigger: "item",
          renderMode: "richText",
          formatter: (p) => {
            const c = byCode[p.name];
            if (!c) return p.name;
            if (!c.level) return `${c.name}: ${c.level_label}`;
            const achieved = english ? "achieved" : "已实现累计下降";
            const required = english ? "required" : "进度要求";
            return `${c.name}: ${c.level_label}\n${achieved} ${c.achieved} · ${required} ${c.required}`;
          },
        },
        series: [{
          type: "map",
          map: "shanxi-barometer",
          nameProperty: "name",
          selectedMode: false,
          label: { show: true, formatter: (p) => (byCode[p.name] || {}).name || "" },
          data: data.cities.map((c) => ({
            name: c.adcode,
            value: { red: 2, yellow: 1, green: 0 }[c.level] ?? -1,
            itemStyle: { areaColor: colours[c.level] },
          })),
        }],
      });
      window.mapCities = data.cities.length;
      // Browser tests wait for this flag: ECharts' own "finished" may fire before a late listener.
      window.chartsReady = true;
    });
})();
