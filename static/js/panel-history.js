// The panel's history: one entry per ticket opened, none left behind by closing. Opening pushes
// `?ticket=ID` (htmx, from hx-push-url); each pushed entry records how many panel entries lie
// between it and the list it was opened over (`rfPanel`). Closing goes back that many steps, to
// the very entry the list had before, so Back afterwards leaves the list instead of showing it
// again. Back and Forward between entries of the same list open, switch or close the panel in
// place; anything else is htmx's history restore.
import { remember } from "./focus-return.js";
import { closePanel, panel, panelTicket, panelUrl, setPanelOpener } from "./panel-state.js";

var shownUrl = location.href;
var closingByBack = false;

function depthOf(state) { return (state && state.rfPanel) || 0; }
function listOf(href) {
  var url = new URL(href, location.href);
  url.searchParams.delete("ticket");
  url.searchParams.sort();
  return url.pathname + "?" + url.searchParams.toString();
}
function withoutTicket(href) {
  var url = new URL(href, location.href);
  url.searchParams.delete("ticket");
  return url.pathname + url.search;
}

var depth = depthOf(history.state); // the current entry's
var pushDepth = 0;
function stamp(value) {
  depth = value;
  history.replaceState(Object.assign({}, history.state, { rfPanel: value }), "");
}

// The address changed under us (a fragment dropped): it is the one shown now.
export function noteShownUrl() { shownUrl = location.href; }

// The panel closed: leave its history entries, unless Back is what closed it.
export function leavePanelHistory() {
  if (closingByBack) return;
  if (depth) { closingByBack = true; history.go(-depth); return; }
  if (new URL(location.href).searchParams.has("ticket")) {
    // Opened by a link to `?ticket=ID` (nothing of ours to go back over): drop the ticket.
    history.replaceState(history.state, "", withoutTicket(location.href));
    shownUrl = location.href;
  }
}

document.addEventListener("htmx:beforeHistoryUpdate", function (e) {
  // htmx has just rewritten the current entry's state ({htmx: true}): put its depth back.
  stamp(depth);
  var path = e.detail.history && e.detail.history.path;
  var opensTicket = path && new URL(path, location.href).searchParams.has("ticket");
  pushDepth = opensTicket && e.detail.history.type === "push" ? depth + 1 : 0;
});
document.addEventListener("htmx:pushedIntoHistory", function () {
  stamp(pushDepth);
  shownUrl = location.href;
});
document.addEventListener("htmx:replacedInHistory", function () { shownUrl = location.href; });

// Capture: runs before htmx's window.onpopstate, which would reload the page for these.
window.addEventListener("popstate", function (e) {
  depth = depthOf(e.state);
  var sameList = listOf(location.href) === listOf(shownUrl);
  shownUrl = location.href;
  if (!sameList || !panel()) { closingByBack = false; return; }
  e.stopImmediatePropagation();
  var id = new URL(location.href).searchParams.get("ticket");
  if (closingByBack) {
    closingByBack = false;
    if (id) { history.replaceState(history.state, "", withoutTicket(location.href)); shownUrl = location.href; }
    return;
  }
  if (!id) { closePanel(); return; }
  if (id === panelTicket() && panel().open) return;
  var url = panelUrl(id);
  if (!url) { location.reload(); return; }
  // Asked for from the panel itself, not the row: the row's hx-push-url would push the entry
  // we are already on (each Back would add one). Focus still goes back to the row on close.
  var row = document.querySelector('[data-ticket-list] [data-ticket-id="' + CSS.escape(id) + '"]');
  if (row && !panel().open) setPanelOpener(remember(row));
  htmx.ajax("GET", url, { source: panel(), target: "#panel", swap: "innerHTML" });
}, true);
