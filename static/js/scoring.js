// Score sheet: htmx swaps only 2xx responses by default; a conflict (409) or a refused value
// (422) comes back as the sheet with the message at the cell, so swap those too.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
