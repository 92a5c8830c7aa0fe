// Inspection page: after an htmx form swaps its section back in, put the keyboard focus on the
// first field of that section's entry form so the next item can be typed straight away.
document.addEventListener("htmx:afterSwap", function (event) {
  // outerHTML swaps replace the target: look the section up again by its id.
  var id = event.detail.target && event.detail.target.id;
  var section = id ? document.getElementById(id) : null;
  if (!section) {
    return;
  }
  var field = section.querySelector("[data-focus-first] input:not([type=hidden]), [data-focus-first] select, [data-focus-first] textarea");
  if (!field) {
    field = section.querySelector(".unanswered select");
  }
  if (field) {
    field.focus();
  }
});
