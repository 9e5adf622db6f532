// Overview charts: the city map coloured by emissions (the cities the user may see), and the trend
// and key-industry split of the region shown (the province, or an official's own city or county). Map boundaries come from the platform itself (joined by adcode), never from a CDN.
// Values arrive in 万吨 (converted on the server, carbonctl.display); nothing is scaled here.
(function () {
  "use strict";
  // Tooltips are drawn on the canvas (richText): ECharts' HTML tooltips carry style="" attributes,
  // which the Content-Security-Policy (style-src 'self') refuses.
  const data = JSON.parse(document.getElementById("overview-data").textContent);
  const english = document.documentElement.lang.startsWith("en");
  const cityName = (c) => (english && c.name_en) || c.name_zh;
  // Units follow the page's convention: 万吨 is "10^4 t" in English.
  const tenKt = english ? "10^4 t" : "万t";
  const intensityUnit = english ? "t/10^4 yuan" : "t/万元";
  const pending = [];

  // Officials of a county see no city on the map, and the page has none then.
  const mapElement = document.getElementById("map");
  if (mapElement) {
    const map = echarts.init(mapElement);
    pending.push(
      fetch(mapElement.dataset.url)
        .then((response) => response.json())
        .then((geojson) => {
          echarts.registerMap("shanxi", geojson);
          const names = Object.fromEntries(data.cities.map((c) => [c.adcode, cityName(c)]));
          map.setOption({
            tooltip: {
              trigger: "item",
              renderMode: "richText",
              formatter: (p) => `${names[p.name] || p.name}: ${p.value == null ? "–" : p.value} ${tenKt}`,
            },
            visualMap: {
              min: 0,
              max: Math.max(...data.cities.map((c) => c.value), 1),
              calculable: true,
              left: "left",
            },
            series: [{
              type: "map",
              map: "shanxi",
              nameProperty: "name",
              label: { show: true, formatter: (p) => names[p.name] || "" },
              data: data.cities.map((c) => ({ name: c.adcode, value: c.value })),
            }],
          });
          window.mapCities = data.cities.length;
        })
    );
  }

  const trend = echarts.init(document.getElementById("trend"));
  trend.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: {},
    xAxis: { type: "category", data: data.trend.map((t) => t.year) },
    yAxis: [{ type: "value", name: tenKt }, { type: "value", name: intensityUnit }],
    series: [
      { name: english ? "CO2" : "排放量", type: "line", data: data.trend.map((t) => t.value) },
      { name: english ? "Intensity" : "强度", type: "line", yAxisIndex: 1,
        data: data.trend.map((t) => t.intensity && t.intensity.toFixed(3)) },
    ],
  });

  const industries = echarts.init(document.getElementById("industries"));
  industries.setOption({
    tooltip: { trigger: "item", renderMode: "richText" },
    series: [{
      type: "pie",
      radius: ["35%", "70%"],
      data: data.key_industries.map((k) => ({ name: k.name, value: k.value })),
    }],
  });

  // Browser tests wait for this flag: ECharts' own "finished" may fire before a late listener.
  Promise.all(pending).then(() => { window.chartsReady = true; });
})();
