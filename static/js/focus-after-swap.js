// Where focus goes when a region is replaced under the engineer: never to <body>.

// Paging: the new page is read from its top, with focus on the "Showing 26–50 of …" line (which
// the list's live region announces), not left at the bottom where the pager was.
var pagingRequests = new WeakSet();
document.addEventListener("htmx:beforeRequest", function (e) {
  if (e.detail.elt.closest && e.detail.elt.closest("[data-page-link]")) pagingRequests.add(e.detail.xhr);
});
document.addEventListener("htmx:afterSettle", function (e) {
  if (!pagingRequests.has(e.detail.xhr)) return;
  var results = document.getElementById("results");
  if (!results) return;
  var head = results.querySelector(".results-head") || results;
  head.setAttribute("tabindex", "-1");
  results.scrollIntoView({ block: "start" });
  head.focus({ preventScroll: true });
});

// Assignees: the section is replaced after an add or a removal; focus goes to the control that
// changed (the added member's Remove button; after a removal, the Add select, where that member
// is now offered).
var assigneeEdits = new WeakMap(); // xhr -> the name added, or "" for a removal
document.addEventListener("htmx:beforeRequest", function (e) {
  var form = e.detail.elt;
  if (!form.closest || !form.closest("#panel-resources") || form.tagName !== "FORM") return;
  var select = form.querySelector("select[name=member_id]");
  var option = select && select.selectedOptions[0];
  assigneeEdits.set(e.detail.xhr, option ? option.textContent.replace(/^◆\s*/, "").trim() : "");
});
document.addEventListener("htmx:afterSettle", function (e) {
  if (!assigneeEdits.has(e.detail.xhr)) return;
  var added = assigneeEdits.get(e.detail.xhr);
  assigneeEdits.delete(e.detail.xhr);
  var section = document.getElementById("panel-resources");
  if (!section) return;
  var target = added && Array.prototype.find.call(section.querySelectorAll(".chip-x"), function (b) {
    return b.getAttribute("aria-label") === "Remove " + added;
  });
  target = target || section.querySelector("select[name=member_id]") || section.querySelector("[hx-get]");
  if (target) target.focus();
});
