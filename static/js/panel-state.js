// The ticket panel (#panel): a native <dialog> opened with showModal(), so the browser moves
// focus in, keeps Tab inside, makes the page behind inert and closes it on Esc. This module holds
// what the other panel modules share: opening, closing and what the panel was opened from.

var opener = null; // remember()ed element the panel was opened from
var urls = {}; // ticket id -> its panel URL (rendered by the server), for Back/Forward
var keepFocusOnClose = false; // the shortcut that closed the panel has already moved focus

export function panel() { return document.getElementById("panel"); }

export function panelTicket() {
  var shell = panel() && panel().querySelector("[data-panel-ticket]");
  return shell ? shell.getAttribute("data-panel-ticket") : null;
}

export function panelOpener() { return opener; }
export function setPanelOpener(record) { opener = record; }
export function panelUrl(id) { return urls[id]; }

// Whether focus stays where the closing shortcut put it (asked once, by the close handler).
export function takeKeepFocus() {
  var keep = keepFocusOnClose;
  keepFocusOnClose = false;
  return keep;
}

// Toasts belong to the top layer while the panel is open, or they would sit under its backdrop;
// inside the panel they are placed beside it (app.css), never over the note composer.
export function placeToasts() {
  var box = document.getElementById("toasts");
  var p = panel();
  var home = p && p.open ? p : document.body;
  if (box && box.parentElement !== home) home.appendChild(box);
}

export function showPanel() {
  var p = panel();
  if (!p) return;
  if (!p.matches(":modal")) {
    // Rendered open by the server (a `?ticket=` link, readable without JS): make it modal.
    if (p.open) p.removeAttribute("open");
    p.showModal();
  }
  var shell = p.querySelector("[data-panel-ticket]");
  if (shell) urls[shell.getAttribute("data-panel-ticket")] = shell.getAttribute("data-panel-url");
  placeToasts();
  var title = document.getElementById("panel-title");
  if (title) title.focus({ preventScroll: true });
}

export function closePanel(options) {
  var p = panel();
  if (!p || !p.open) return false;
  keepFocusOnClose = Boolean(options && options.keepFocus);
  p.close();
  return true;
}
