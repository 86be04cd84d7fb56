// Charts of the special-supervision dashboard (ECharts, served locally). Data from the json_script
// element "projects-chart"; the same numbers are in the table under the charts.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var el = document.getElementById("projects-chart");
  if (!el) { return; }
  var d = JSON.parse(el.textContent);
  var EMPTY = { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } };
  var charts = [];
  function chart(id, option, empty) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = echarts.init(node);
    c.setOption(empty ? { title: EMPTY } : option);
    charts.push(c);
  }
  chart("chart-projects", {
    tooltip: { trigger: "axis" },
    legend: { data: ["发现问题", "整改问题"] },
    grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: d.projects, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "发现问题", type: "bar", data: d.found, itemStyle: { color: "#b3261e" } },
      { name: "整改问题", type: "bar", data: d.rectified, itemStyle: { color: "#2e7d32" } }
    ]
  }, d.projects.length === 0);
  var kinds = d.kinds.filter(function (k) { return k.value > 0; });
  chart("chart-kinds", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0, orient: "vertical" },
    series: [{ type: "pie", radius: ["35%", "60%"], center: ["50%", "45%"], data: kinds,
               label: { show: true, position: "inside", formatter: "{c}" } }]
  }, kinds.length === 0);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
