/* Folio's page behaviour. No inline scripts anywhere (the CSP is script-src 'self'), so
   everything a page does beyond HTML and htmx attributes lives here. Every page works
   without this file; it only makes pages quicker to use. */
(function () {
  "use strict";

  var THEME_COOKIE = "folio_theme";
  var YEAR = 365 * 24 * 3600;

  /* The one place a CSRF token joins htmx requests; forms carry it as a hidden field. */
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  /* Destructive actions ask once and say what will happen (data-confirm on the form). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* Line editor: remove a row, then let the totals recompute. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-line]");
    if (!button) {
      return;
    }
    var row = button.closest("tr");
    var form = button.closest("form");
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (next) {
      var field = next.querySelector("select, input");
      if (field) {
        field.focus();
      }
    }
    if (form) {
      form.dispatchEvent(new Event("lines-changed", { bubbles: true }));
    }
  });

  /* A row added by "Add line" gets the focus, ready for its account. */
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "lines") {
      var rows = event.detail.target.querySelectorAll("[data-line]");
      var last = rows[rows.length - 1];
      var field = last && last.querySelector("select");
      if (field) {
        field.focus();
      }
    }
  });

  /* A copy button (data-copy="#field") puts the field's text on the clipboard. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });

  /* "/" jumps to the search box of a list, as on most sites. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      return;
    }
    var search = document.querySelector("[data-search-shortcut]");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var alert = document.querySelector("[data-autofocus]");
    if (alert) {
      alert.focus();
    }
    drawCharts();
  });

  function effectiveTheme() {
    var chosen = document.documentElement.getAttribute("data-theme");
    if (chosen) {
      return chosen;
    }
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  /* Alpine components (the CSP build: registered here, used by name in x-data). */
  document.addEventListener("alpine:init", function () {
    window.Alpine.data("shell", function () {
      return {
        nav: "closed",
        expanded: "false",
        toggleNav: function () {
          this.nav = this.nav === "open" ? "closed" : "open";
          this.expanded = this.nav === "open" ? "true" : "false";
        },
        closeNav: function () {
          this.nav = "closed";
          this.expanded = "false";
        }
      };
    });
    window.Alpine.data("themeSwitch", function () {
      return {
        toggle: function () {
          var next = effectiveTheme() === "dark" ? "light" : "dark";
          document.documentElement.setAttribute("data-theme", next);
          document.cookie = THEME_COOKIE + "=" + next + "; path=/; max-age=" + YEAR +
            "; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
          drawCharts();
        }
      };
    });
  });

  /* Charts: canvas[data-chart] carries its data in data-* attributes (minor units). */
  var charts = [];

  function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function drawCharts() {
    if (!window.Chart) {
      return;
    }
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var scale = Math.pow(10, Number(canvas.dataset.exponent || 0));
      var toMajor = function (units) { return units / scale; };
      var money = new Intl.NumberFormat(canvas.dataset.locale, {
        style: "currency", currency: canvas.dataset.currency, maximumFractionDigits: 0
      });
      var compact = new Intl.NumberFormat(canvas.dataset.locale, { notation: "compact" });
      var text = cssColor("--text-muted");
      var grid = cssColor("--border");
      charts.push(new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: JSON.parse(canvas.dataset.labels),
          datasets: [
            { label: canvas.dataset.incomeLabel, data: JSON.parse(canvas.dataset.income).map(toMajor),
              backgroundColor: cssColor("--chart-income"), borderRadius: 4, maxBarThickness: 22 },
            { label: canvas.dataset.expensesLabel, data: JSON.parse(canvas.dataset.expenses).map(toMajor),
              backgroundColor: cssColor("--chart-expenses"), borderRadius: 4, maxBarThickness: 22 }
          ]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          color: text,
          plugins: {
            legend: { position: "bottom", labels: { color: text, boxWidth: 12 } },
            tooltip: { callbacks: { label: function (item) {
              return item.dataset.label + ": " + money.format(item.raw);
            } } }
          },
          scales: {
            x: { ticks: { color: text }, grid: { display: false } },
            y: { ticks: { color: text, callback: function (value) { return compact.format(value); } },
                 grid: { color: grid } }
          }
        }
      }));
    });
  }
})();
