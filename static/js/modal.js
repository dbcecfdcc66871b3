// The New Ticket modal (#modal), a native <dialog>: opened by htmx swapping a form into
// #modal-body or by the `n` shortcut, thrown away on close, except while a Create is on its way.
import { focusIsNowhere, giveFocusBack, remember } from "./focus-return.js";

var modalOpener = null;
var shortcutOpener = null; // set by the `n` shortcut for the request it makes
var creating = null; // the XHR of a Create on its way, which closing the modal must not drop

function modal() { return document.getElementById("modal"); }

function openModal() {
  var m = modal();
  if (!m.open) m.showModal();
  var visible = m.querySelector('[role="tabpanel"]:not([hidden])');
  var target = (visible && visible.querySelector("[data-autofocus], input:not([type=hidden]), textarea, select")) || m;
  target.focus();
}

function closeModal() {
  var m = modal();
  if (m && m.open) m.close();
}

// `n`: the page's own New Ticket button when it has one (the assistant's pre-fills the linked
// ticket's company), else the URL the layout carries; focus comes back to where it was, or to
// that button when it was nowhere in particular.
export function openNewTicket() {
  var button = document.querySelector('[data-shortcut="n"]');
  var url = (button && button.getAttribute("hx-get")) || document.body.getAttribute("data-new-ticket-url");
  if (!url) return false;
  var from = document.activeElement;
  shortcutOpener = remember(focusIsNowhere(from) && button ? button : from);
  htmx.ajax("GET", url, { source: button || document.body, target: "#modal-body", swap: "innerHTML" });
  return true;
}

document.addEventListener("close", function (e) {
  if (e.target.id !== "modal") return;
  // The modal's content is thrown away on close, so the next open starts a fresh draft; but not
  // while a create is on its way: its answer (the "#ID created" toast, or the draft back with
  // the reason) still lands in it, and reopening shows that same draft.
  if (!creating) document.getElementById("modal-body").innerHTML = "";
  giveFocusBack(modalOpener);
  modalOpener = null;
}, true);

document.addEventListener("htmx:beforeRequest", function (e) {
  if (e.detail.elt.id === "ticket-form") { creating = e.detail.xhr; return; }
  // Opening New Ticket while a Create is on its way shows that draft (same key, "Creating…")
  // instead of a fresh one that could file the ticket a second time.
  var target = e.detail.target;
  if (creating && target && target.id === "modal-body" && modal().querySelector("#ticket-form")) {
    e.preventDefault();
    if (!modal().open) { modalOpener = shortcutOpener || remember(e.detail.elt); shortcutOpener = null; }
    openModal();
  }
});
document.addEventListener("htmx:afterRequest", function (e) {
  if (!creating || e.detail.xhr !== creating) return;
  creating = null;
  var m = modal();
  if (m && !m.open) document.getElementById("modal-body").innerHTML = "";
});

// Which element asked for the modal, so focus can return there when it closes. (After the
// listener above: a draft reopened there has already recorded it.)
document.addEventListener("htmx:beforeRequest", function (e) {
  var target = e.detail.target;
  if (target && target.id === "modal-body" && !modal().open) {
    modalOpener = shortcutOpener || remember(e.detail.elt);
    shortcutOpener = null;
  }
});

// Opened only once htmx has wired the new content (see panel.js): process it now, then open.
document.addEventListener("htmx:afterSwap", function (e) {
  var target = e.detail.target;
  if (!target || target.id !== "modal-body") return;
  htmx.process(target);
  openModal();
});

document.addEventListener("click", function (e) {
  if (e.target.closest("[data-close-modal]")) closeModal();
});
document.addEventListener("closeModal", closeModal);

// A new parse starts without the last one's "describe the problem first".
document.addEventListener("htmx:beforeRequest", function (e) {
  if (e.detail.elt.id !== "quick-form") return;
  var said = document.getElementById("quick-prompt-error");
  if (said) said.textContent = "";
});
