// The page's small buttons that need no request: close a dialog, skip to the ticket rows, keep
// the status the PSA has, copy a ticket number.
import { showToast } from "./toasts.js";

document.addEventListener("click", function (e) {
  var t = e.target;
  var dialogClose = t.closest("[data-close-dialog]");
  if (dialogClose) { dialogClose.closest("dialog").close(); return; }
  if (t.closest("[data-skip-to-rows]")) {
    // Past the navigation and the filters, straight to the first ticket (two Tabs and Enter).
    var first = document.querySelector("[data-ticket-list] .ticket-link");
    if (first) { e.preventDefault(); first.focus(); first.scrollIntoView({ block: "nearest" }); }
    return;
  }
  var dismiss = t.closest("[data-dismiss-notice]");
  if (dismiss) {
    // "Keep" the status the PSA has: the question goes, focus goes back to the select.
    var control = dismiss.closest(".status-control");
    dismiss.closest(".status-notice").remove();
    var select = control && control.querySelector("select");
    if (select) { select.removeAttribute("aria-describedby"); select.focus(); }
    return;
  }
  var copy = t.closest("[data-copy]");
  if (copy && navigator.clipboard) {
    navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
      showToast("Copied #" + copy.getAttribute("data-copy"), "info");
    });
  }
});

// A field with `data-counter` shows its length in the element that attribute names.
document.addEventListener("input", function (e) {
  var counterFor = e.target.getAttribute && e.target.getAttribute("data-counter");
  var counter = counterFor && document.getElementById(counterFor);
  if (counter) counter.textContent = e.target.value.length;
});
