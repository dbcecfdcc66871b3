// The ticket panel's life: opened once htmx has wired its content, closed by Esc, the ✕, the
// backdrop or Back, with focus given back to what opened it. What the platform's <dialog> cannot
// know is here: which element to give focus back to when the opener was replaced meanwhile, the
// panel's history entries (panel-history.js), and the backdrop click.
import { giveFocusBack, remember } from "./focus-return.js";
import { callOffPanel } from "./newest-wins.js";
import { leavePanelHistory } from "./panel-history.js";
import {
  closePanel, panel, panelOpener, panelTicket, placeToasts, setPanelOpener, showPanel, takeKeepFocus,
} from "./panel-state.js";

// Closing, however it happens: call off a panel still on its way, leave its history entries, put
// focus back where the panel was opened from.
document.addEventListener("close", function (e) {
  if (e.target.id !== "panel") return;
  callOffPanel();
  placeToasts();
  leavePanelHistory();
  if (!takeKeepFocus()) giveFocusBack(panelOpener());
  setPanelOpener(null);
}, true);

// A click on the backdrop lands on the dialog itself, outside its box. Only a click that also
// started there closes it: selecting text in the panel and letting go over the page does not.
function outside(el, e) {
  var box = el.getBoundingClientRect();
  return e.clientX < box.left || e.clientX > box.right || e.clientY < box.top || e.clientY > box.bottom;
}
var pressedOnBackdrop = false;
document.addEventListener("mousedown", function (e) {
  pressedOnBackdrop = e.target === panel() && outside(e.target, e);
});
document.addEventListener("click", function (e) {
  var t = e.target;
  if (t === panel() && pressedOnBackdrop && outside(t, e)) { closePanel(); return; }
  if (t.closest("[data-close-panel]")) closePanel();
});

// Which element asked for the panel, so focus can return there when it closes. A related ticket
// opened inside the panel keeps the row the panel was first opened from.
document.addEventListener("htmx:beforeRequest", function (e) {
  var target = e.detail.target;
  if (target && target.id === "panel" && !panel().contains(e.detail.elt)) setPanelOpener(remember(e.detail.elt));
});

// The panel's innerHTML swap would take the toasts with it: they step out for the swap and come
// back once the request is over, whether it swapped or not.
document.addEventListener("htmx:beforeSwap", function (e) {
  if (e.detail.target && e.detail.target.id === "panel" && e.detail.shouldSwap) {
    var box = document.getElementById("toasts");
    if (box && panel().contains(box)) document.body.appendChild(box);
  }
});
document.addEventListener("htmx:afterRequest", placeToasts);

// The panel opens only once htmx has wired its new content. htmx does that in its settle step
// (~20 ms after the swap), so anything typed or clicked in between would be plain HTML that
// sends nothing (a note): process it now, then open. htmx skips elements it has already
// initialised, so its own pass at settle changes nothing.
document.addEventListener("htmx:afterSwap", function (e) {
  var target = e.detail.target;
  if (!target || target.id !== "panel") return;
  htmx.process(target);
  showPanel();
});

// Rendered open by the server (a `?ticket=` link): made modal like one opened from the list.
document.addEventListener("DOMContentLoaded", function () {
  if (panelTicket()) showPanel();
});
