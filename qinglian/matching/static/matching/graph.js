(function () {
  "use strict";
  var el = document.getElementById("match-graph");
  var data = document.getElementById("graph-data");
  if (!el || !data || !window.echarts) { return; }
  var graph = JSON.parse(data.textContent);
  var names = {};
  graph.nodes.forEach(function (n) { names[n.id] = n.name; });
  var cats = [];
  graph.nodes.forEach(function (n) { if (cats.indexOf(n.category) < 0) { cats.push(n.category); } });
  el.style.height = "520px";  // CSSOM, allowed by the style-src policy (no inline style attribute)
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { formatter: function (p) { return p.dataType === "edge" ? (p.data.label.formatter + "<br>来源：" + p.data.origin) : p.data.name; } },
    legend: [{ data: cats }],
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true, force: { repulsion: 900, edgeLength: [140, 220], gravity: 0.08 },
      categories: cats.map(function (c) { return { name: c }; }),
      label: { show: true, position: "right" }, edgeSymbol: ["none", "arrow"],
      edgeLabel: { show: true, fontSize: 10, formatter: function (p) { return p.data.label.formatter; } },
      data: graph.nodes.map(function (n) { return { id: n.id, name: n.name, category: cats.indexOf(n.category), symbolSize: 28 }; }),
      links: graph.edges.map(function (e) { return { source: e.source, target: e.target, origin: e.origin, label: { show: true, formatter: e.label } }; })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
