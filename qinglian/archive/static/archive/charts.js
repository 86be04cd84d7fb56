// Charts of the archive pages (ECharts, served locally). Data comes from json_script elements.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var COLOURS = { red: "#d32f2f", blue: "#1e6fd9", yellow: "#f2b705", black: "#212529" };
  var LABELS = { red: "红点", blue: "蓝点", yellow: "黄点", black: "黑点" };

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function resizeWith(chart) {
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var trend = data("trend-data");
  var trendEl = document.getElementById("trend-chart");
  if (trend && trendEl) {
    var chart = echarts.init(trendEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: Object.keys(LABELS).map(function (k) { return LABELS[k]; }) },
      grid: { left: 40, right: 16, bottom: 30, top: 40 },
      xAxis: { type: "category", data: trend.quarters },
      yAxis: { type: "value", minInterval: 1 },
      series: Object.keys(LABELS).map(function (k) {
        return { name: LABELS[k], type: "bar", stack: "points", data: trend.series[k], itemStyle: { color: COLOURS[k] } };
      })
    });
    resizeWith(chart);
  }

  var heat = data("heatmap-data");
  var heatEl = document.getElementById("heatmap-chart");
  if (heat && heatEl) {
    var names = heat.units.map(function (u) { return u.name; });
    heatEl.style.height = Math.max(240, 60 + names.length * 26) + "px";
    var map = echarts.init(heatEl);
    map.setOption({
      tooltip: {
        formatter: function (p) { return names[p.value[1]] + "<br>" + heat.metrics[p.value[0]] + "：" + p.value[2]; }
      },
      grid: { left: 8, right: 16, top: 10, bottom: 70, containLabel: true },
      xAxis: { type: "category", data: heat.metrics, splitArea: { show: true } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 200, overflow: "truncate" } },
      visualMap: { min: 0, max: heat.max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#f8f9fa", "#f2b705", "#b3261e"] } },
      series: [{ type: "heatmap", data: heat.values, label: { show: true } }]
    });
    var base = heatEl.getAttribute("data-unit-url");
    map.on("click", function (p) {
      var unit = heat.units[p.value[1]];
      if (unit && base) { window.location.href = base.replace("/0/", "/" + unit.id + "/"); }
    });
    resizeWith(map);
  }
})();
