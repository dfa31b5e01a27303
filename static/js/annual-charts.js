// 年度数据 charts (staff page /manage/annual/…): reads the numbers embedded with json_script ("annual-chart-data")
// and draws them with ECharts (static/vendor/echarts). No inline JS (CSP).
(function () {
  "use strict";
  var source = document.getElementById("annual-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent || "{}");

  function bar(id, title, series, horizontal) {
    var el = document.getElementById(id);
    if (!el || !series) { return; }
    var chart = echarts.init(el);
    var category = { type: "category", data: series.labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      title: { text: title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 140 : 50, right: 20, bottom: horizontal ? 30 : 90, top: 40 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: series.values, label: { show: true, position: horizontal ? "right" : "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  bar("chart-summary", "六类行政执法行为数量", data.summary, false);
  bar("chart-penalty", "行政处罚种类（并处计入最重种类）", data.penalty, false);
  bar("chart-city", "各司法局行政处罚宗数", data.city, true);
})();
