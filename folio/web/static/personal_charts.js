/* The personal overview's charts: spending by category (doughnut), income and expenses
   per month (bar) and net worth (line). The data sits in the page as
   <script type="application/json" id="personal-chart-data"> (amounts in minor units);
   colours come from the stylesheet's variables, so the charts follow the theme and are
   drawn again when it changes. The tables beside each chart hold the same figures. */
(function () {
  "use strict";

  var charts = [];
  var PALETTE = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5",
                 "--chart-6", "--chart-7", "--chart-8"];

  function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function readData() {
    var element = document.getElementById("personal-chart-data");
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function formatters(data) {
    var money = new Intl.NumberFormat(data.locale, {
      style: "currency", currency: data.currency, maximumFractionDigits: data.exponent
    });
    var compact = new Intl.NumberFormat(data.locale, { notation: "compact" });
    var scale = Math.pow(10, Number(data.exponent || 0));
    return {
      major: function (units) { return units / scale; },
      money: function (value) { return money.format(value); },
      compact: function (value) { return compact.format(value); }
    };
  }

  function axes(format, text, grid) {
    return {
      x: { ticks: { color: text }, grid: { display: false } },
      y: { ticks: { color: text, callback: function (value) { return format.compact(value); } },
           grid: { color: grid } }
    };
  }

  function tooltip(format) {
    return { callbacks: { label: function (item) {
      return (item.dataset.label ? item.dataset.label + ": " : item.label + ": ") +
        format.money(item.raw);
    } } };
  }

  function configFor(kind, data, format) {
    var text = cssColor("--text-muted");
    var grid = cssColor("--border");
    var legend = { position: "bottom", labels: { color: text, boxWidth: 12 } };
    var base = { responsive: true, maintainAspectRatio: false, animation: false, color: text };
    if (kind === "spending") {
      return {
        type: "doughnut",
        data: {
          labels: data.labels.spending,
          datasets: [{
            data: data.spending.values.map(format.major),
            backgroundColor: data.spending.values.map(function (_value, index) {
              return cssColor(PALETTE[index % PALETTE.length]);
            }),
            borderColor: cssColor("--surface"),
            borderWidth: 2
          }]
        },
        options: Object.assign({}, base, { plugins: { legend: legend, tooltip: tooltip(format) } })
      };
    }
    if (kind === "cashflow") {
      return {
        type: "bar",
        data: {
          labels: data.labels.months,
          datasets: [
            { label: data.labels.income, data: data.cashflow.values_income.map(format.major),
              backgroundColor: cssColor("--chart-income"), borderRadius: 4, maxBarThickness: 22 },
            { label: data.labels.expenses, data: data.cashflow.values_expenses.map(format.major),
              backgroundColor: cssColor("--chart-expenses"), borderRadius: 4, maxBarThickness: 22 }
          ]
        },
        options: Object.assign({}, base, {
          plugins: { legend: legend, tooltip: tooltip(format) }, scales: axes(format, text, grid)
        })
      };
    }
    return {
      type: "line",
      data: {
        labels: data.labels.net_worth,
        datasets: [{
          label: data.labels.net_worth_label,
          data: data.net_worth.values.map(format.major),
          borderColor: cssColor("--accent"),
          backgroundColor: cssColor("--accent-soft"),
          pointBackgroundColor: cssColor("--accent"),
          fill: true,
          tension: 0.25
        }]
      },
      options: Object.assign({}, base, {
        plugins: { legend: { display: false }, tooltip: tooltip(format) },
        scales: axes(format, text, grid)
      })
    };
  }

  function draw() {
    if (!window.Chart) {
      return;
    }
    var data = readData();
    if (!data) {
      return;
    }
    var format = formatters(data);
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    document.querySelectorAll("canvas[data-personal-chart]").forEach(function (canvas) {
      charts.push(new window.Chart(canvas, configFor(canvas.dataset.personalChart, data, format)));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    /* The theme toggle sets data-theme on <html>; the system theme can change too. */
    new MutationObserver(draw).observe(document.documentElement,
                                       { attributes: true, attributeFilter: ["data-theme"] });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) {
        query.addEventListener("change", draw);
      }
    }
  });
})();
