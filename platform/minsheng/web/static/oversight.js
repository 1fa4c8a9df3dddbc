// Draws the oversight dashboard's charts from the JSON the page carries (#oversight-data).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("oversight-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var palette = ["#a61b1f", "#d4862b", "#2f6f9f", "#4c9a5b", "#7a5195", "#bc5090", "#58508d", "#ffa600"];
    function chart(id, option) {
      var node = document.getElementById(id);
      if (!node) { return; }
      var instance = echarts.init(node);
      option.color = palette;
      option.title = { text: node.dataset.title, left: "center", textStyle: { fontSize: 14 } };
      instance.setOption(option);
      node.dataset.ready = "1";
      window.addEventListener("resize", function () { instance.resize(); });
      return instance;
    }
    var places = data.by_place.filter(function (p) { return !p.own_records; });
    var nodePlaces = document.getElementById("chart-places");
    var placesChart = chart("chart-places", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: places.map(function (p) { return p.tenant.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: nodePlaces.dataset.projects, type: "bar", data: places.map(function (p) { return p.figures.projects; }) },
        { name: nodePlaces.dataset.chosen, type: "bar", data: places.map(function (p) { return p.figures.chosen; }) }
      ]
    });
    if (placesChart) {
      // Drill down: a bar opens that place's dashboard.
      placesChart.on("click", function (params) {
        var place = places[params.dataIndex];
        var url = new URL(window.location.href);
        url.searchParams.set("of", place.tenant.slug);
        window.location.href = url.toString();
      });
    }
    var nodeYears = document.getElementById("chart-years");
    chart("chart-years", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.by_year.map(function (y) { return String(y.year); }) },
      yAxis: [{ type: "value" }, { type: "value" }],
      series: [
        { name: nodeYears.dataset.chosen, type: "bar", data: data.by_year.map(function (y) { return y.figures.chosen; }) },
        { name: nodeYears.dataset.funds, type: "line", yAxisIndex: 1,
          data: data.by_year.map(function (y) { return Math.round(y.figures.funds / 10000); }) }
      ]
    });
    chart("chart-categories", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30,
        data: data.by_category.map(function (c) { return { name: c.name || "—", value: c.figures.chosen }; }) }]
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
