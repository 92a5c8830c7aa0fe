// Score sheet: htmx swaps only 2xx responses by default; a conflict (409) or a refused value
// (422) comes back as the sheet with the message at the cell, so swap those too.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A score cell posts when its value changes. A reason typed before the value must wait for it:
// posting the blank value at once swapped the row under the value being typed, and the value
// was lost (issue 14 item 9). The reason goes with the value's own save.
document.addEventListener("htmx:confirm", function (event) {
  var form = event.detail.elt;
  var trigger = event.detail.triggeringEvent;
  if (!form.classList || !form.classList.contains("score-cell") || !trigger) {
    return;
  }
  if (trigger.target && trigger.target.name === "reason") {
    var value = form.querySelector("[name=value]");
    if (value && value.value.trim() === "") {
      event.preventDefault();
    }
  }
});
