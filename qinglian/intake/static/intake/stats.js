// Charts of the intake statistics page (ECharts, served locally). Data from the json_script element
// "stats-data"; the same numbers are in the tables below the charts.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var el = document.getElementById("stats-data");
  if (!el) { return; }
  var d = JSON.parse(el.textContent);
  var thisYear = d.year + "年", prevYear = (d.year - 1) + "年";
  var charts = [];

  var EMPTY = { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } };

  function chart(id, option, empty) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = echarts.init(node);
    if (empty) { option = { title: EMPTY }; }
    c.setOption(option);
    charts.push(c);
  }

  function monthly(id, series) {
    chart(id, {
      tooltip: { trigger: "axis" },
      legend: { data: [thisYear, prevYear] },
      grid: { left: 40, right: 16, bottom: 30, top: 36 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: thisYear, type: "line", data: series["this"], smooth: false, itemStyle: { color: "#b3261e" } },
        { name: prevYear, type: "line", data: series.prev, smooth: false, lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } }
      ]
    });
  }

  function compare(id, rows, horizontal) {
    var labels = rows.map(function (r) { return r.label; });
    var cat = { type: "category", data: labels, axisLabel: { interval: 0, width: 130, overflow: "truncate" } };
    var val = { type: "value", minInterval: 1 };
    if (horizontal) { cat.inverse = true; }
    var none = rows.length === 0;
    chart(id, {
      tooltip: { trigger: "axis" },
      legend: { data: [thisYear, prevYear] },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: horizontal ? val : Object.assign({}, cat, { axisLabel: { interval: 0, rotate: 30 } }),
      yAxis: horizontal ? cat : val,
      series: [
        { name: thisYear, type: "bar", data: rows.map(function (r) { return r["this"]; }), itemStyle: { color: "#b3261e" } },
        { name: prevYear, type: "bar", data: rows.map(function (r) { return r.prev; }), itemStyle: { color: "#adb5bd" } }
      ]
    }, none);
  }

  monthly("chart-report-months", d.reports);
  monthly("chart-clue-months", d.clues);
  compare("chart-channel", d.channel, false);
  compare("chart-type", d.type, true);
  var disposals = d.disposal.filter(function (r) { return r["this"] > 0; });
  chart("chart-disposal", {
    tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: disposals.map(function (r) { return { name: r.label, value: r["this"] }; }) }]
  }, disposals.length === 0);
  chart("chart-timeliness", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    grid: { left: 8, right: 24, bottom: 8, top: 16, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: d.timeliness.map(function (t) { return t.label; }) },
    series: [{ type: "bar", data: d.timeliness.map(function (t) { return t.rate; }), itemStyle: { color: "#1e6fd9" }, label: { show: true, position: "right", formatter: "{c}%" } }]
  }, d.timeliness.length === 0);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
