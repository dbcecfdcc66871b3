// Every panel and list request is remembered per region; only the newest one may swap in (and
// push its URL). A slower, older answer (a related ticket clicked before Esc and another row, a
// page link clicked before a filter) is dropped, so the last thing asked for always wins.

var wanted = {}; // region id -> the XMLHttpRequest whose answer it is waiting for
var RACED = { panel: true, results: true };

// The panel was closed: a panel still on its way must not reopen it.
export function callOffPanel() {
  var inFlight = wanted.panel;
  delete wanted.panel;
  if (inFlight) inFlight.abort();
}

document.addEventListener("htmx:beforeRequest", function (e) {
  var target = e.detail.target;
  if (!target || !RACED[target.id]) return;
  var previous = wanted[target.id];
  wanted[target.id] = e.detail.xhr;
  if (previous && previous !== e.detail.xhr) previous.abort();
});
document.addEventListener("htmx:beforeSwap", function (e) {
  var target = e.detail.target;
  if (!target || !RACED[target.id]) return;
  if (wanted[target.id] !== e.detail.xhr) { e.detail.shouldSwap = false; e.preventDefault(); return; }
  delete wanted[target.id];
});
