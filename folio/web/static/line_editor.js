/* The priced-line editor of invoices, quotations and bills (folio/web/templates/_line_editor.html).

   An Alpine component for the CSP build (no expressions, no eval): add and remove rows,
   and fill a row from the chosen item. The totals are not computed here: the editor's
   element posts the form to the page's preview route (htmx), which prices the lines with
   the same code that prices saved documents. Every change here ends in a "lines-changed"
   event on the editor, which htmx listens for. */
(function () {
  "use strict";

  var PLACEHOLDER = /__index__/g;
  var RENAMED = ["id", "name", "for", "aria-describedby"];

  function changed(root) {
    root.dispatchEvent(new CustomEvent("lines-changed", { bubbles: true }));
  }

  function addRow(root) {
    var template = root.querySelector("template[data-line-template]");
    var body = root.querySelector("[data-line-rows]");
    if (!template || !body) {
      return null;
    }
    var index = Number(root.getAttribute("data-next-index") || body.children.length);
    root.setAttribute("data-next-index", String(index + 1));
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("*").forEach(function (element) {
      RENAMED.forEach(function (name) {
        var value = element.getAttribute(name);
        if (value && value.indexOf("__index__") >= 0) {
          element.setAttribute(name, value.replace(PLACEHOLDER, String(index)));
        }
      });
    });
    var row = fragment.querySelector("[data-doc-line]");
    body.appendChild(fragment);
    return row;
  }

  function fill(row, name, value) {
    var field = row.querySelector('[data-line-field="' + name + '"]');
    if (field && value !== undefined && value !== null) {
      field.value = value;
    }
  }

  function register() {
    window.Alpine.data("lineEditor", function () {
      return {
        click: function (event) {
          var root = this.$el;
          var add = event.target.closest("[data-line-add]");
          if (add && root.contains(add)) {
            event.preventDefault();
            var row = addRow(root);
            var first = row && row.querySelector("select, input");
            if (first) {
              first.focus();
            }
            changed(root);
            return;
          }
          var remove = event.target.closest("[data-line-remove]");
          if (remove && root.contains(remove)) {
            var gone = remove.closest("[data-doc-line]");
            var next = gone.nextElementSibling || gone.previousElementSibling;
            gone.remove();
            if (!root.querySelector("[data-doc-line]")) {
              next = addRow(root);
            }
            var field = next && next.querySelector("select, input");
            if (field) {
              field.focus();
            }
            changed(root);
          }
        },
        change: function (event) {
          var picker = event.target.closest("[data-line-item]");
          if (!picker) {
            return;
          }
          var option = picker.options[picker.selectedIndex];
          if (!option || !option.value) {
            return;
          }
          var row = picker.closest("[data-doc-line]");
          var data = option.dataset;
          fill(row, "description", data.description);
          fill(row, "unit", data.unit);
          fill(row, "price", data.price);
          fill(row, "tax-code", data.taxCode);
          fill(row, "account", data.account);
          var quantity = row.querySelector('[data-line-field="quantity"]');
          if (quantity && !quantity.value) {
            quantity.value = "1";
          }
          changed(this.$el);
        }
      };
    });
  }

  if (window.Alpine) {
    register();
  } else {
    document.addEventListener("alpine:init", register);
  }
})();
