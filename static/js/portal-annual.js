// 年度数据 charts on the portal: each [data-echarts] element carries its ECharts option as JSON (built on the
// server, no functions), so no inline script is needed (CSP). The tables below the charts hold the same data.
// Tooltips render inside the chart (renderMode richText), so no HTML with style attributes is injected.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var charts = [];
  document.querySelectorAll("[data-echarts]").forEach(function (el) {
    var option;
    try {
      option = JSON.parse(el.getAttribute("data-echarts"));
    } catch (e) {
      return;
    }
    if (!el.clientHeight) {
      el.style.height = window.matchMedia("(max-width: 576px)").matches ? "260px" : "320px";
    }
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      option.animation = false;
    }
    option.color = option.color || ["#8c1d18", "#d9822b", "#3a7ca5", "#5b8e3e", "#7a5195", "#9a9a9a"];
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.resize();
      });
    }, 150);
  });
})();
