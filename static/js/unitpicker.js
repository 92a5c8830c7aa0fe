/* The unit picker (units.widgets.UnitPickerSelect): a filter box above a server-rendered
   <select data-unit-picker>. Typing hides the options whose name or code does not match,
   accent-insensitive ("cu mgar" finds "Cư M'gar": each option carries its folded text in
   data-search, folded by the server the same way fold() folds here), and opens the select as
   a short list to pick from; a click or Enter picks and closes it. Without this script the
   <select> with its optgroups works alone. No library, no network. */
(function () {
  "use strict";
  var LIST_SIZE = 8;
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9 ]+/g, "")
      .replace(/\s+/g, " ").trim();
  }
  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "unit-picker-filter";
    box.placeholder = select.dataset.filterLabel || "";
    box.setAttribute("aria-label", select.dataset.filterLabel || "");
    box.setAttribute("autocomplete", "off");
    if (select.id) box.id = select.id + "_filter";
    var none = document.createElement("div");
    none.className = "unit-picker-none small text-muted";
    none.textContent = select.dataset.noMatch || "";
    none.hidden = true;
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(none, select.nextSibling);

    function collapse() {
      if (!box.value) return;
      box.value = "";
      apply();
    }
    function apply() {
      var words = fold(box.value).split(" ").filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.dataset.search;
        if (text === undefined) { option.hidden = words.length > 0; return; }
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !ok;
        if (ok) shown += 1;
      });
      var groups = 0;
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
        if (!group.hidden) groups += 1;
      });
      none.hidden = !(words.length && shown === 0);
      if (words.length) {
        // A group's label takes a line of the list too.
        select.size = Math.max(2, Math.min(LIST_SIZE, shown + groups));
        var current = select.options[select.selectedIndex];
        if (!current || current.hidden) {
          var first = select.querySelector("option:not([hidden])");
          if (first) first.selected = true;
        }
      } else {
        select.removeAttribute("size");
      }
    }
    box.addEventListener("input", apply);
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && box.value) { event.preventDefault(); select.focus(); }
      if (event.key === "Enter") {
        // Enter picks the highlighted match instead of submitting the form half-filled.
        event.preventDefault();
        collapse();
        select.focus();
      }
    });
    select.addEventListener("click", function (event) {
      if (event.target.tagName === "OPTION") collapse();
    });
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && box.value) { event.preventDefault(); collapse(); }
    });
  }
  function scan(root) {
    (root && root.querySelectorAll ? root : document).querySelectorAll("select[data-unit-picker]").forEach(enhance);
  }
  window.unitPicker = { scan: scan, fold: fold };
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
  document.addEventListener("portal:rows-added", function (event) { scan(event.target); });
}());
