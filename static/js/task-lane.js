// A TaskLane action is done when the ticket created from its modal carries its origin. The CSP
// allows no eval, so this listener does what an hx-trigger filter and `hx-vals="js:…"` would.
document.addEventListener("ticketCreated", function (e) {
  var detail = e.detail || {};
  if (!detail.origin || !detail.id) return;
  document.querySelectorAll("[data-action-origin]").forEach(function (item) {
    if (item.getAttribute("data-action-origin") !== String(detail.origin)) return;
    item.setAttribute("hx-vals", JSON.stringify({ ticket_id: detail.id }));
    htmx.trigger(item, "laneTicketCreated");
  });
});
