// The little JS ResolutionFlow needs: toasts from HX-Trigger, <dialog> and panel open/close.
(function () {
  "use strict";

  function showToast(message, level) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var el = document.createElement("div");
    el.className = "toast toast-" + (level || "success");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, level === "error" ? 9000 : 4500);
  }
  window.rfToast = showToast;

  document.addEventListener("toast", function (e) {
    showToast(e.detail && e.detail.message, e.detail && e.detail.level);
  });

  // Server-rendered messages (non-htmx requests) fade like htmx toasts do.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (el) {
      setTimeout(function () { el.remove(); }, 6000);
    });
  });

  // A failed htmx request (network down, 5xx without a handled body) must never be silent.
  document.addEventListener("htmx:sendError", function () {
    showToast("The server could not be reached. Check your connection and try again.", "error");
  });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Trigger")) return; // the server already explained
    showToast("Something went wrong (" + (xhr ? xhr.status : "?") + "). Your input was kept; try again.", "error");
  });
})();

// --- slide-out panel, modal dialog, tabs, combobox, keyboard --------------------------------------
(function () {
  "use strict";

  var panelOpener = null;

  function panel() { return document.getElementById("panel"); }
  function isTyping(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function openPanel() {
    var p = panel();
    if (!p) return;
    p.hidden = false;
    document.getElementById("panel-backdrop").hidden = false;
    var title = document.getElementById("panel-title");
    if (title) title.focus({ preventScroll: true });
  }

  // Every panel and list request is remembered per region; only the newest one may swap in (and
  // push its URL). A slower, older answer (a related ticket clicked before Esc and another row, a
  // page link clicked before a filter) is dropped, so the last thing asked for always wins.
  var wanted = {}; // region id -> the XMLHttpRequest whose answer it is waiting for
  var RACED = { panel: true, results: true };

  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (!target || !RACED[target.id]) return;
    var previous = wanted[target.id];
    wanted[target.id] = e.detail.xhr;
    if (previous && previous !== e.detail.xhr) previous.abort();
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || !RACED[target.id]) return;
    if (wanted[target.id] !== e.detail.xhr) { e.detail.shouldSwap = false; e.preventDefault(); return; }
    delete wanted[target.id];
  });

  // A region waiting for an answer says so: aria-busy for assistive technology, `rf-busy` for
  // the dim (app.css). Set when the request is really sent (a prefetched section never is) and
  // cleared when it ends, however it ends; a swapped-in element starts fresh.
  var busyCount = new WeakMap();
  var busyRequests = new WeakMap(); // xhr -> the region it marked busy
  function busy(el, delta) {
    if (!el || !el.setAttribute) return;
    var n = Math.max(0, (busyCount.get(el) || 0) + delta);
    busyCount.set(el, n);
    if (n) { el.setAttribute("aria-busy", "true"); el.classList.add("rf-busy"); }
    else { el.removeAttribute("aria-busy"); el.classList.remove("rf-busy"); }
  }
  document.addEventListener("htmx:beforeSend", function (e) {
    busyRequests.set(e.detail.xhr, e.detail.target);
    busy(e.detail.target, 1);
  });
  // (htmx re-fires afterRequest on an ancestor when the requesting element was swapped out, and
  // an element outside the page does not bubble to document: count each request once, by XHR.)
  document.addEventListener("htmx:afterRequest", function (e) {
    var region = e.detail.xhr && busyRequests.get(e.detail.xhr);
    if (!region) return;
    busyRequests.delete(e.detail.xhr);
    busy(region, -1);
  });

  function closePanel() {
    var p = panel();
    var inFlight = wanted.panel;
    delete wanted.panel; // closed: a panel still on its way must not reopen it
    if (inFlight) inFlight.abort();
    if (!p || p.hidden) return false;
    p.hidden = true;
    document.getElementById("panel-backdrop").hidden = true;
    var url = new URL(window.location.href);
    if (url.searchParams.has("ticket")) {
      url.searchParams.delete("ticket");
      history.replaceState(history.state, "", url.pathname + url.search);
    }
    if (panelOpener && document.body.contains(panelOpener)) panelOpener.focus();
    return true;
  }

  var modal = function () { return document.getElementById("modal"); };

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

  function showTab(name) {
    document.querySelectorAll("[data-tabs] [data-tab]").forEach(function (tab) {
      var selected = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      var panelEl = document.getElementById(tab.getAttribute("aria-controls"));
      if (panelEl) panelEl.hidden = !selected;
    });
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.closest("[data-close-panel]")) { closePanel(); return; }
    if (t.closest("[data-close-modal]")) { closeModal(); return; }
    var dialogClose = t.closest("[data-close-dialog]");
    if (dialogClose) { dialogClose.closest("dialog").close(); return; }
    var tab = t.closest("[data-tab]");
    if (tab) { showTab(tab.getAttribute("data-tab")); return; }
    var copy = t.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
        window.rfToast("Copied #" + copy.getAttribute("data-copy"), "info");
      });
      return;
    }
    var option = t.closest(".combobox-option");
    if (option) { pickOption(option); return; }
    document.querySelectorAll(".combobox-list:not([hidden])").forEach(function (list) {
      if (!list.parentElement.contains(t)) hideList(list);
    });
  });

  // Which element asked for the panel, so focus can return there when it closes.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (target && target.id === "panel") panelOpener = e.detail.elt;
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id === "panel") openPanel();
    if (target && target.id === "modal-body") openModal();
    if (target && target.classList && target.classList.contains("combobox-list")) {
      // A late answer (a focus load, a search still in its typing delay) must not reopen the
      // list once a company has been picked; typing again clears the pick and shows it.
      var picked = target.parentElement.querySelector("[data-combobox-value]");
      if (picked && picked.value) return;
      target.hidden = false;
      var input = target.parentElement.querySelector("[data-combobox-input]");
      if (input) input.setAttribute("aria-expanded", "true");
    }
  });

  // A new parse starts without the last one's "describe the problem first".
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.detail.elt.id !== "quick-form") return;
    var said = document.getElementById("quick-prompt-error");
    if (said) said.textContent = "";
  });

  document.addEventListener("closeModal", closeModal);
  document.addEventListener("showTicketTab", function (e) { showTab((e.detail && e.detail.tab) || "full"); });
  document.addEventListener("noteAdded", function () {
    document.querySelectorAll("#notes-feed [data-empty]").forEach(function (el) { el.remove(); });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var p = panel();
    if (p && !p.hidden) openPanel();
    document.querySelectorAll("[data-toast-error]").forEach(function (el) {
      window.rfToast(el.getAttribute("data-toast-error"), "error");
    });
  });
  // The modal's content is thrown away on close, so the next open starts a fresh draft.
  document.addEventListener("close", function (e) {
    if (e.target.id === "modal") document.getElementById("modal-body").innerHTML = "";
  }, true);

  // --- combobox (company search) ---
  function hideList(list) {
    list.hidden = true;
    var input = list.parentElement.querySelector("[data-combobox-input]");
    if (input) input.setAttribute("aria-expanded", "false");
  }

  function pickOption(option) {
    var box = option.closest("[data-combobox]");
    var hidden = box.querySelector("[data-combobox-value]");
    var input = box.querySelector("[data-combobox-input]");
    hidden.value = option.getAttribute("data-value");
    input.value = option.getAttribute("data-label");
    hideList(option.closest(".combobox-list"));
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  document.addEventListener("input", function (e) {
    if (e.target.matches("[data-combobox-input]")) {
      var hidden = e.target.closest("[data-combobox]").querySelector("[data-combobox-value]");
      if (hidden.value && e.target.value === "") {
        hidden.value = "";
        hidden.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        hidden.value = "";
      }
    }
    var counterFor = e.target.getAttribute && e.target.getAttribute("data-counter");
    if (counterFor) {
      var counter = document.getElementById(counterFor);
      if (counter) counter.textContent = e.target.value.length;
    }
  });

  // A company typed but not picked must not fire the list filter on its own.
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-combobox-input]")) e.stopPropagation();
  }, true);

  document.addEventListener("keydown", function (e) {
    var el = document.activeElement;
    if (el && el.matches && el.matches("[data-combobox-input], .combobox-option")) {
      var list = el.closest("[data-combobox]").querySelector(".combobox-list");
      var options = Array.prototype.slice.call(list.querySelectorAll(".combobox-option"));
      var index = options.indexOf(el);
      if (e.key === "ArrowDown" && options.length) { e.preventDefault(); list.hidden = false; options[Math.min(index + 1, options.length - 1)].focus(); return; }
      if (e.key === "ArrowUp" && index >= 0) { e.preventDefault(); (index === 0 ? el.closest("[data-combobox]").querySelector("[data-combobox-input]") : options[index - 1]).focus(); return; }
      if (e.key === "Enter" && index >= 0) { e.preventDefault(); pickOption(el); return; }
      if (e.key === "Enter" && options.length === 1) { e.preventDefault(); pickOption(options[0]); return; }
      if (e.key === "Escape" && !list.hidden) { e.preventDefault(); hideList(list); return; }
    }

    if (e.key === "Escape") {
      // An open dialog (the New Ticket modal, the ? help) closes itself; what is behind it stays.
      if (document.querySelector("dialog[open]")) return;
      if (closePanel()) { e.preventDefault(); }
      return;
    }
    if (e.metaKey || e.ctrlKey || e.altKey || isTyping(el)) return;
    if (modal() && modal().open) return;

    if (e.key === "/") {
      var search = document.querySelector('[data-shortcut="/"]');
      if (search) { e.preventDefault(); search.focus(); search.select(); }
    } else if (e.key === "n") {
      var newButton = document.querySelector('[data-shortcut="n"]');
      if (newButton) { e.preventDefault(); newButton.click(); }
    } else if (e.key === "?") {
      var help = document.getElementById("shortcuts");
      if (help) { e.preventDefault(); help.showModal(); }
    } else if (e.key === "j" || e.key === "k") {
      var links = Array.prototype.slice.call(document.querySelectorAll("[data-ticket-list] .ticket-link"));
      if (!links.length) return;
      e.preventDefault();
      var current = links.indexOf(el);
      if (current === -1) {
        // Focus is in the open panel: move on from its ticket's row, not from the top.
        var open = panel() && !panel().hidden && panel().querySelector("[data-panel-ticket]");
        var openId = open && open.getAttribute("data-panel-ticket");
        current = links.findIndex(function (link) { return link.getAttribute("data-ticket-id") === openId; });
      }
      var next = e.key === "j" ? Math.min(current + 1, links.length - 1) : Math.max(current - 1, 0);
      if (current === -1) next = 0;
      links[next].focus();
      links[next].scrollIntoView({ block: "nearest" });
    }
  });
})();

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

// --- drafts: a note box (per ticket) and the New Ticket form survive Esc, closing and reopening ----
// Kept in sessionStorage while typed, put back into the same box when it is shown again, and
// forgotten once the note is added or queued, or the ticket is created.
(function () {
  "use strict";
  var PREFIX = "rf-draft:";
  var FIELDS = "textarea, input[name=summary]";

  function store() {
    try { return window.sessionStorage; } catch (err) { return null; }
  }

  function keyFor(el) {
    if (el.matches("#composer textarea[name=text]")) {
      var shell = el.closest("[data-panel-ticket]");
      return shell ? PREFIX + "note:" + shell.getAttribute("data-panel-ticket") : null;
    }
    if (el.closest("#ticket-form, #quick-form") && el.matches("input[name=summary], textarea[name=description], textarea[name=prompt]")) {
      var origin = document.querySelector("#ticket-form input[name=origin]");
      return PREFIX + "new:" + (origin ? origin.value : "") + ":" + el.name;
    }
    return null;
  }

  function forget(prefix) {
    var s = store();
    if (!s) return;
    Object.keys(s).forEach(function (key) { if (key.indexOf(prefix) === 0) s.removeItem(key); });
  }

  document.addEventListener("input", function (e) {
    var s = store();
    var key = s && e.target.matches && e.target.matches(FIELDS) && keyFor(e.target);
    if (!key) return;
    if (e.target.value) s.setItem(key, e.target.value); else s.removeItem(key);
  });

  document.addEventListener("htmx:load", function (e) {
    var s = store();
    var root = e.detail.elt;
    if (!s || !root || !root.querySelectorAll) return;
    var fields = Array.prototype.slice.call(root.querySelectorAll(FIELDS));
    if (root.matches && root.matches(FIELDS)) fields.push(root);
    fields.forEach(function (el) {
      var key = keyFor(el);
      var saved = key && s.getItem(key);
      if (saved && !el.value) {
        el.value = saved;
        el.dispatchEvent(new Event("input", { bubbles: true })); // counters follow
      }
    });
  });

  function noteDone(e) { if (e.detail && e.detail.id) forget(PREFIX + "note:" + e.detail.id); }
  document.addEventListener("noteAdded", noteDone);
  document.addEventListener("noteQueued", noteDone);
  document.addEventListener("ticketCreated", function (e) {
    forget(PREFIX + "new:" + ((e.detail && e.detail.origin) || "") + ":");
  });
})();

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

// --- ResolutionAssist chat: Enter sends, the message shows at once, the newest stays in view ------
(function () {
  "use strict";

  function list() { return document.getElementById("message-list"); }

  function scrollToLatest() {
    var messages = list();
    if (!messages) return;
    var last = messages.lastElementChild;
    if (!last || last.classList.contains("chat-empty")) return;
    var scrolls = messages.scrollHeight > messages.clientHeight + 1;
    var room = scrolls ? messages.clientHeight : window.innerHeight;
    last.scrollIntoView({ block: last.offsetHeight > room * 0.8 ? "start" : "end" });
  }

  document.addEventListener("DOMContentLoaded", scrollToLatest);

  document.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || !box.matches || !box.matches("[data-submit-on-enter]")) return;
    e.preventDefault();
    if (box.value.trim() && box.form) box.form.requestSubmit();
  });

  // Show the engineer's message and a typing indicator while the request runs; the server's
  // answer replaces them. On a failure they go away and the text is still in the box. Both are
  // the server's message partial (a <template> in the page), so nothing changes shape when the
  // answer arrives; only the engineer's text is filled in, as text.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (!form.matches || !form.matches("[data-composer]") || !list()) return;
    var text = form.querySelector("textarea").value.trim();
    if (!text) return;
    var template = document.getElementById("optimistic-message");
    if (!template) return;
    var bubbles = template.content.cloneNode(true);
    var body = bubbles.querySelector(".msg-user .msg-body");
    if (body) body.textContent = text;
    list().appendChild(bubbles);
    scrollToLatest();
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    // The composer was swapped out by now: htmx re-fires this on an ancestor still in the page.
    var form = (e.detail.requestConfig && e.detail.requestConfig.elt) || e.detail.elt;
    if (!form || !form.matches || !form.matches("[data-composer]")) return;
    document.querySelectorAll("#message-list [data-optimistic]").forEach(function (el) { el.remove(); });
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail.target;
    if (!target || !list()) return;
    if (target.id === "composer" || /^msg-\d+$/.test(target.id || "")) scrollToLatest();
  });
})();

// --- prefetch: a focused ticket row's panel sections start loading before it is opened -----------
// When a row keeps focus (j/k) or the pointer (hover) for PREFETCH_DELAY_MS, its context and
// assignees sections are fetched once, from the URLs the row carries (rendered by the server, so
// no path is built here); opening that ticket then swaps them in without waiting on ConnectWise.
// Moving on to another row first cancels the wait (nothing is fetched) or aborts the fetch. A row
// is fetched at most once per PREFETCH_MAX_AGE_MS; older prefetched sections are dropped and
// fetched again when the panel opens, never shown as fresh. Any change made through the panel
// (status, note, assignees) drops that ticket's prefetched sections.
(function () {
  "use strict";
  var PREFETCH_DELAY_MS = 150;
  var PREFETCH_MAX_AGE_MS = 30000;
  // The panel section's id -> the row's data- attribute with that section's URL.
  var SECTIONS = { "panel-context": "data-context-url", "panel-resources": "data-resources-url" };
  var store = {}; // ticket id -> { at, controller, claimed, parts: { section id: Promise of its HTML } }
  var timer = null;
  var pending = null; // the ticket id the timer or the running fetch is for

  function fresh(entry) { return entry && Date.now() - entry.at < PREFETCH_MAX_AGE_MS; }

  function forget(id) {
    var entry = store[id];
    if (entry && !entry.claimed) entry.controller.abort();
    delete store[id];
  }

  function start(link) {
    var id = link.getAttribute("data-ticket-id");
    if (fresh(store[id])) return; // at most one fetch per row while it is fresh
    var controller = new AbortController();
    var entry = { at: Date.now(), controller: controller, claimed: false, loading: true, parts: {} };
    Object.keys(SECTIONS).forEach(function (section) {
      var url = link.getAttribute(SECTIONS[section]);
      if (!url) return;
      entry.parts[section] = fetch(url, {
        headers: { "HX-Request": "true" }, credentials: "same-origin", signal: controller.signal
      }).then(function (response) {
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
  });
})();
