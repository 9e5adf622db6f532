// The colours of the key industries (重点行业), defined once for every chart of the platform:
// the n-th colour belongs to the n-th key industry of the registry (labels.csv, kind
// key_industry; the page sends each series' position as `colour`), so steel is the same colour
// on every page. -1 (the rest, 其他) is grey. Colour-blind-safe hues first (Okabe–Ito), then
// tints of them.
(function () {
  "use strict";
  const colours = [
    "#8c6d31", // 农业 agriculture
    "#4d4d4d", // 煤炭开采 coal mining
    "#a6a6a6", // 其他工业 other industry
    "#0072b2", // 钢铁 steel
    "#56b4e9", // 有色 nonferrous
    "#cc79a7", // 建材 building materials
    "#d55e00", // 焦化(含炼油) coking & refining
    "#009e73", // 化工 chemicals
    "#e69f00", // 电力热力 power & heat
    "#f0e442", // 建筑业 construction
    "#7b3294", // 交通运输 transport
    "#b2df8a", // 建筑-公共商业 commercial & public
    "#fb9a99", // 建筑-居民 residential
  ];
  const rest = "#cfd6db";
  window.carbonctlPalette = {
    keyIndustry: (index) => (index >= 0 && index < colours.length ? colours[index] : rest),
  };
})();
