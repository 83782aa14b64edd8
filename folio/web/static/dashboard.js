/* The dashboard's sales chart: net sales per month, drawn with the vendored Chart.js.
   Data comes from the canvas's data-* attributes (minor units); colours come
   from CSS variables, so the chart follows the light or dark theme and is redrawn when
   the theme changes. */
(function () {
  "use strict";

  var chart = null;

  function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function draw() {
    var canvas = document.querySelector("canvas[data-sales-chart]");
    if (!canvas || !window.Chart) {
      return;
    }
    var data = canvas.dataset;
    var scale = Math.pow(10, Number(data.exponent || 0));
    var money = new Intl.NumberFormat(data.locale, {
      style: "currency", currency: data.currency, maximumFractionDigits: 0
    });
    var compact = new Intl.NumberFormat(data.locale, { notation: "compact" });
    var text = cssColor("--text-muted");
    if (chart) {
      chart.destroy();
    }
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: JSON.parse(data.labels),
        datasets: [{
          label: data.label,
          data: JSON.parse(data.values).map(function (units) { return units / scale; }),
          backgroundColor: cssColor("--chart-sales"),
          borderRadius: 4,
          maxBarThickness: 28
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        color: text,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + money.format(item.raw);
          } } }
        },
        scales: {
          x: { ticks: { color: text }, grid: { display: false } },
          y: { ticks: { color: text, callback: function (value) { return compact.format(value); } },
               grid: { color: cssColor("--border") } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    /* The theme switch sets data-theme on <html>; the system setting can change too. */
    new MutationObserver(draw).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-theme"]
    });
    if (window.matchMedia) {
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
    }
  });
})();
