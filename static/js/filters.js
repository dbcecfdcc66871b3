// Filter URLs carry only what is set: empty fields and the company search text (the picked
// company id is what filters) stay out of the address bar and the history.
document.addEventListener("htmx:configRequest", function (e) {
  if (e.detail.elt.id !== "filters") return;
  var params = e.detail.parameters;
  // Statuses belong to a board: another board's request (and URL) must not keep the old one.
  var changed = e.detail.triggeringEvent && e.detail.triggeringEvent.target;
  if (changed && changed.name === "board") {
    if (params instanceof FormData) params.delete("status"); else delete params.status;
  }
  var names = params instanceof FormData ? Array.from(new Set(params.keys())) : Object.keys(params);
  names.forEach(function (name) {
    var value = params instanceof FormData ? params.get(name) : params[name];
    if (name === "company_q" || value === "" || value === null) {
      if (params instanceof FormData) params.delete(name); else delete params[name];
    }
  });
});
