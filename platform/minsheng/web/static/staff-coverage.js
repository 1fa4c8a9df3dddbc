// Draws the coverage charts of the staff's coverage page from the JSON in #coverage-data (ECharts).
// Villages without any suggestion are drawn as zero-height bars in the warning colour.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("coverage-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var places = data.places.concat(data.silentPlaces);
    var counts = data.placeCounts.map(function (n) { return { value: n }; }).concat(
      data.silentPlaces.map(function () {
        return {
          value: 0,
          itemStyle: { color: "#d97706" },
          label: { show: true, position: "top", color: "#b45309", fontWeight: "bold", formatter: "0" }
        };
      })
    );
    var byPlace = echarts.init(document.getElementById("chart-places"));
    byPlace.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: 72 },
      xAxis: { type: "category", data: places, axisLabel: { interval: 0, rotate: 40 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: counts, itemStyle: { color: "#a61b1f" } }]
    });
    var byChannel = echarts.init(document.getElementById("chart-channels"));
    byChannel.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: data.channels.map(function (name, i) {
        return { name: name, type: "bar", stack: "channels", data: data.series[i] };
      })
    });
    window.addEventListener("resize", function () { byPlace.resize(); byChannel.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
