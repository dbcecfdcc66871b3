// The New Ticket tabs (Quick Create, Full Form): a WAI-ARIA tablist with one Tab stop, the
// selected tab; arrows, Home and End move to and select another. The server (or a restored draft)
// asks for a tab with the `showTicketTab` event.

function showTab(name) {
  document.querySelectorAll("[data-tabs] [data-tab]").forEach(function (tab) {
    var selected = tab.getAttribute("data-tab") === name;
    tab.setAttribute("aria-selected", selected ? "true" : "false");
    tab.tabIndex = selected ? 0 : -1;
    var panelEl = document.getElementById(tab.getAttribute("aria-controls"));
    if (panelEl) panelEl.hidden = !selected;
  });
}

document.addEventListener("click", function (e) {
  var tab = e.target.closest("[data-tab]");
  if (tab) showTab(tab.getAttribute("data-tab"));
});

document.addEventListener("keydown", function (e) {
  var el = document.activeElement;
  if (e.defaultPrevented || !el || !el.matches || !el.matches("[data-tabs] [role=tab]")) return;
  if (!/^(ArrowLeft|ArrowRight|Home|End)$/.test(e.key)) return;
  var tabs = Array.prototype.slice.call(el.closest("[data-tabs]").querySelectorAll("[role=tab]"));
  var at = tabs.indexOf(el);
  var to = e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1
    : (at + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length;
  e.preventDefault();
  showTab(tabs[to].getAttribute("data-tab"));
  tabs[to].focus();
});

document.addEventListener("showTicketTab", function (e) { showTab((e.detail && e.detail.tab) || "full"); });
