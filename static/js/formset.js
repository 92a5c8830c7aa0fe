/* Rows of a Django formset added and removed in the page. The markup: a container
   [data-formset="<prefix>"] holding the rows ([data-formset-row]), a <template
   data-formset-empty> with the formset's empty form (its "__prefix__" is replaced by the next
   row number) and a hidden button [data-formset-add]. Removing a row clears its fields and
   hides it: the server ignores an empty row, exactly as it does without this script, where a
   few empty rows are always there and clearing a row removes it. No library, no network. */
(function () {
  "use strict";
  function clearRow(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type === "hidden") return;
      if (field.tagName === "SELECT") { field.selectedIndex = 0; } else { field.value = ""; }
    });
    row.hidden = true;
  }
  function wireRemove(row) {
    var button = row.querySelector("[data-formset-remove]");
    if (!button || button.dataset.ready) return;
    button.dataset.ready = "1";
    button.hidden = false;
    button.addEventListener("click", function () { clearRow(row); });
  }
  function enhance(container) {
    var prefix = container.dataset.formset;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = container.querySelector("template[data-formset-empty]");
    var add = container.querySelector("[data-formset-add]");
    var rows = container.querySelector("[data-formset-rows]");
    container.querySelectorAll("[data-formset-row]").forEach(wireRemove);
    if (!total || !template || !add || !rows) return;
    add.hidden = false;
    add.addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      if (max && n >= parseInt(max.value, 10)) return;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(n)).replace(/__number__/g, String(n + 1));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(n + 1);
      wireRemove(row);
      row.dispatchEvent(new CustomEvent("portal:rows-added", { bubbles: true }));
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset]").forEach(enhance);
  });
}());
