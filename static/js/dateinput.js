/* The portal's date input (cchc_portal.forms.PortalDateInput): a text input that reads and
   writes dd/mm/yyyy whatever the browser's language. Without this script it is a plain text
   input with a pattern; with it, typed digits get their slashes (01122026 → 01/12/2026) and a
   calendar button opens the browser's own date picker, whose choice is written back as
   dd/mm/yyyy. No library, no network. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  function fromIso(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }
  function withSlashes(text) {
    var digits = text.replace(/\D/g, "").slice(0, 8);
    if (digits.length > 4) return digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
    if (digits.length > 2) return digits.slice(0, 2) + "/" + digits.slice(2);
    return digits;
  }
  function calendarIcon() {
    // Drawn here, not an emoji: the offline machines have no emoji font (a box showed).
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    [["rect", { x: "1.5", y: "2.5", width: "13", height: "12", rx: "1.5", fill: "none", stroke: "currentColor" }],
     ["path", { d: "M1.5 6h13M5 1v3M11 1v3", stroke: "currentColor", fill: "none" }],
     ["rect", { x: "4", y: "8", width: "2", height: "2", fill: "currentColor" }],
     ["rect", { x: "7", y: "8", width: "2", height: "2", fill: "currentColor" }],
     ["rect", { x: "10", y: "8", width: "2", height: "2", fill: "currentColor" }],
     ["rect", { x: "4", y: "11", width: "2", height: "2", fill: "currentColor" }]].forEach(function (part) {
      var node = document.createElementNS(ns, part[0]);
      Object.keys(part[1]).forEach(function (k) { node.setAttribute(k, part[1][k]); });
      svg.appendChild(node);
    });
    return svg;
  }
  function enhance(input) {
    if (input.dataset.dateReady) return;
    input.dataset.dateReady = "1";
    var group = document.createElement("div");
    group.className = "date-input-group";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    var native = document.createElement("input");
    native.type = "date";
    native.tabIndex = -1;
    native.className = "date-picker-native";
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm date-picker-button";
    button.setAttribute("aria-label", input.dataset.pickLabel || "Chọn ngày");
    button.title = button.getAttribute("aria-label");
    button.appendChild(calendarIcon());
    group.appendChild(button);
    group.appendChild(native);
    input.addEventListener("input", function (event) {
      if (event.inputType && event.inputType.indexOf("delete") === 0) return;
      if (/^[\d/]*$/.test(input.value)) input.value = withSlashes(input.value);
    });
    button.addEventListener("click", function () {
      native.value = toIso(input.value);
      if (typeof native.showPicker === "function") {
        try { native.showPicker(); return; } catch (e) { /* not allowed: fall through */ }
      }
      native.focus();
      native.click();
    });
    native.addEventListener("change", function () {
      var text = fromIso(native.value);
      if (text) {
        input.value = text;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-date-input]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
  // Rows a formset adds (static/js/formset.js) get their date inputs enhanced too.
  document.addEventListener("portal:rows-added", function (event) { scan(event.target); });
})();
