// Prefetch: a focused ticket row's panel sections start loading before it is opened.
// When a row keeps focus (j/k) or the pointer (hover) for PREFETCH_DELAY_MS, its context and
// assignees sections are fetched once, from the URLs the row carries (rendered by the server, so
// no path is built here); opening that ticket then swaps them in without waiting on the PSA.
// Moving on to another row first cancels the wait (nothing is fetched) or aborts the fetch. A row
// is fetched at most once per PREFETCH_MAX_AGE_MS; older prefetched sections are dropped and
// fetched again when the panel opens, never shown as fresh. Any change made through the panel
// (status, note, assignees) drops that ticket's prefetched sections.
// Prefetches say so ("Purpose: prefetch"): near the PSA's hourly request budget the server refuses
// them (429, psa.budget) and prefetching pauses for its Retry-After, so the budget left goes to
// what the engineer opens.
var PREFETCH_DELAY_MS = 150;
var PREFETCH_MAX_AGE_MS = 30000;
// The panel section's id -> the row's data- attribute with that section's URL.
var SECTIONS = { "panel-context": "data-context-url", "panel-resources": "data-resources-url" };
var store = {}; // ticket id -> { at, controller, claimed, parts: { section id: Promise of its HTML } }
var timer = null;
var pending = null; // the ticket id the timer or the running fetch is for
var pausedUntil = 0; // no prefetch before this time (the server asked us to spare the budget)

function fresh(entry) { return entry && Date.now() - entry.at < PREFETCH_MAX_AGE_MS; }

function forget(id) {
  var entry = store[id];
  if (entry && !entry.claimed) entry.controller.abort();
  delete store[id];
}

function start(link) {
  var id = link.getAttribute("data-ticket-id");
  if (fresh(store[id])) return; // at most one fetch per row while it is fresh
  if (Date.now() < pausedUntil) return;
  var controller = new AbortController();
  var entry = { at: Date.now(), controller: controller, claimed: false, loading: true, parts: {} };
  Object.keys(SECTIONS).forEach(function (section) {
    var url = link.getAttribute(SECTIONS[section]);
    if (!url) return;
    entry.parts[section] = fetch(url, {
      headers: { "HX-Request": "true", "Purpose": "prefetch" }, credentials: "same-origin",
      signal: controller.signal
    }).then(function (response) {
      if (response.status === 429) {
        var wait = parseInt(response.headers.get("Retry-After"), 10);
        pausedUntil = Date.now() + (wait > 0 ? wait : 60) * 1000;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    });
    // A failed or aborted prefetch is simply not used: the panel fetches the section itself.
    entry.parts[section].catch(function () { if (store[id] === entry) delete store[id]; });
  });
  store[id] = entry;
  Promise.all(Object.values(entry.parts)).then(done, done);
  function done() { entry.loading = false; }
}

function focusRow(link) {
  var id = link.getAttribute("data-ticket-id");
  if (id === pending) return;
  clearTimeout(timer);
  var previous = pending && store[pending];
  if (previous && previous.loading && !previous.claimed) forget(pending); // moving on cancels it
  pending = id;
  timer = setTimeout(function () { start(link); }, PREFETCH_DELAY_MS);
}

function rowLink(target) {
  var link = target && target.closest && target.closest("[data-ticket-list] .ticket-link");
  return link && link.getAttribute("data-ticket-id") ? link : null;
}

// A row clicked before its wait is over is being opened: its panel loads the sections itself,
// and a prefetch started now would only read the PSA a second time.
document.addEventListener("click", function (e) { if (rowLink(e.target)) clearTimeout(timer); });
document.addEventListener("focusin", function (e) { var link = rowLink(e.target); if (link) focusRow(link); });
document.addEventListener("mouseover", function (e) { var link = rowLink(e.target); if (link) focusRow(link); });

// The panel asks for a section: use the prefetched one when it is fresh.
document.addEventListener("htmx:beforeRequest", function (e) {
  var elt = e.detail.elt;
  if (!elt || !SECTIONS[elt.id]) return;
  var shell = elt.closest("[data-panel-ticket]");
  var id = shell && shell.getAttribute("data-panel-ticket");
  var entry = id && store[id];
  var part = entry && entry.parts[elt.id];
  if (!fresh(entry) || !part) { if (id) delete store[id]; return; }
  entry.claimed = true; // opened: focus moving on no longer cancels it
  e.preventDefault();
  var url = e.detail.requestConfig.path;
  part.then(function (html) {
    if (document.body.contains(elt)) htmx.swap(elt, html, { swapStyle: "outerHTML" });
  }, function () {
    if (document.body.contains(elt)) htmx.ajax("GET", url, { source: elt, target: elt, swap: "outerHTML" });
  });
});

// A change made through the panel makes that ticket's prefetched sections out of date. (Which
// ticket is read when the change is sent: by its answer the form may have been swapped out.)
var changes = new WeakMap(); // xhr -> ticket id
document.addEventListener("htmx:beforeRequest", function (e) {
  var config = e.detail.requestConfig;
  if (!config || config.verb === "get" || !e.detail.elt.closest) return;
  var shell = e.detail.elt.closest("[data-panel-ticket]");
  if (shell) changes.set(e.detail.xhr, shell.getAttribute("data-panel-ticket"));
});
document.addEventListener("htmx:afterRequest", function (e) {
  var id = e.detail.xhr && changes.get(e.detail.xhr);
  if (!id) return;
  changes.delete(e.detail.xhr);
  forget(id);
  if (channel) channel.postMessage({ changed: id });
});

// Other tabs of this browser hear of the change: their prefetched sections of that ticket go,
// and a panel showing it reloads its notes and assignees (a note added in one tab shows in
// the other; the composer, with whatever is typed there, is left alone).
var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("rf-tickets") : null;
if (channel) channel.onmessage = function (e) {
  var id = e.data && e.data.changed;
  if (!id) return;
  forget(id);
  var shell = document.querySelector('#panel[open] [data-panel-ticket="' + CSS.escape(String(id)) + '"]');
  if (!shell) return;
  reloadSection(shell, "panel-context", "data-context-url");
  reloadSection(shell, "panel-resources", "data-resources-url");
};

// A panel section asked for again: in its place, or in the place of the error it showed.
function reloadSection(shell, id, attr) {
  var url = shell.getAttribute(attr);
  var section = shell.querySelector("#" + id);
  if (!section) {
    var retry = Array.prototype.find.call(shell.querySelectorAll(".psa-error [hx-get]"), function (el) {
      return el.getAttribute("hx-get") === url;
    });
    section = retry && retry.closest(".psa-error");
  }
  if (!section || !url) return;
  // A read still in flight predates the change: drop it, or htmx would queue this one behind it
  // and lose it when that answer's outerHTML swap detaches the section.
  htmx.trigger(section, "htmx:abort");
  htmx.ajax("GET", url, { source: section, target: section, swap: "outerHTML" });
}

// A note added (or posted from the queue) while the notes section shows an error has no feed
// to go into: the section is loaded again instead, and shows it.
document.addEventListener("htmx:oobErrorNoTarget", function (e) {
  if (!e.detail || e.detail.target !== "#notes-feed") return; // (htmx has taken the attribute off)
  var shell = document.querySelector("#panel [data-panel-ticket]");
  if (shell) reloadSection(shell, "panel-context", "data-context-url");
});
