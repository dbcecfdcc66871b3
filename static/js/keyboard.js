// The page's keys: `/` search, `n` New Ticket, `?` the shortcut help, j/k through the ticket
// list (or, with the panel open, through the tickets shown in it), and Esc. Keys already handled
// by a control (the combobox, the tabs) are left alone.
import { isTyping } from "./focus-return.js";
import { openNewTicket } from "./modal.js";
import { callOffPanel } from "./newest-wins.js";
import { noteShownUrl } from "./panel-history.js";
import { closePanel, panel, panelOpener, panelTicket } from "./panel-state.js";

function rowLinks() {
  return Array.prototype.slice.call(document.querySelectorAll("[data-ticket-list] .ticket-link"));
}

// With the panel open the list is behind it: j/k show the next/previous row's ticket in it, from
// the row last asked for (a quick j j moves two rows even before the first has loaded).
function stepPanel(key, links) {
  var opener = panelOpener();
  var shown = (opener && opener.el.getAttribute("data-ticket-id")) || panelTicket();
  var at = links.findIndex(function (link) { return link.getAttribute("data-ticket-id") === shown; });
  if (at === -1) return;
  var to = key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
  if (to === at) return;
  links[to].scrollIntoView({ block: "nearest" });
  links[to].click();
}

function stepList(key, links, el) {
  var current = links.indexOf(el);
  var next = key === "j" ? Math.min(current + 1, links.length - 1) : Math.max(current - 1, 0);
  if (current === -1) next = 0;
  links[next].focus();
  links[next].scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", function (e) {
  if (e.defaultPrevented) return;
  var el = document.activeElement;
  if (e.key === "Escape" && el && el.matches && el.matches('[data-shortcut="/"]') && !el.closest("dialog")) {
    // Esc leaves the search box (its text stays: Chrome would clear a search field), so the
    // list's keys (j/k, n, ?) work again; j then starts from the first row.
    e.preventDefault();
    var main = document.getElementById("main");
    if (main) main.focus({ preventScroll: true }); else el.blur();
    return;
  }
  if (e.key === "Escape") {
    // An open dialog closes itself (the browser's cancel: the top one only). With none open, a
    // panel still on its way is called off.
    if (!document.querySelector("dialog[open]")) callOffPanel();
    return;
  }
  if (e.metaKey || e.ctrlKey || e.altKey || isTyping(el)) return;
  // Behind another dialog (the New Ticket modal, the help) the page's keys wait.
  if (document.querySelector("dialog[open]:not(#panel)")) return;

  if (e.key === "/") {
    var search = document.querySelector('[data-shortcut="/"]');
    var tickets = document.body.getAttribute("data-tickets-url");
    if (search) {
      e.preventDefault();
      closePanel({ keepFocus: true });
      search.focus();
      search.select();
    } else if (tickets) {
      e.preventDefault();
      location.assign(tickets + "#search");
    }
  } else if (e.key === "n") {
    if (openNewTicket()) e.preventDefault();
  } else if (e.key === "?") {
    var help = document.getElementById("shortcuts");
    if (help) { e.preventDefault(); help.showModal(); }
  } else if (e.key === "j" || e.key === "k") {
    var links = rowLinks();
    if (!links.length) return;
    e.preventDefault();
    if (panel() && panel().open) stepPanel(e.key, links); else stepList(e.key, links, el);
  }
});

// `/` from another page lands here: the search box, focused, and no fragment left behind.
document.addEventListener("DOMContentLoaded", function () {
  if (location.hash !== "#search") return;
  var search = document.querySelector('[data-shortcut="/"]');
  history.replaceState(history.state, "", location.pathname + location.search);
  noteShownUrl();
  if (search) search.focus();
});
