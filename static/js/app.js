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
// The ticket panel (#panel), the New Ticket modal (#modal) and the shortcut help are native
// <dialog>s opened with showModal(): the browser moves focus in, keeps Tab inside, makes the page
// behind inert and closes the top one on Esc. What is left here is what the platform cannot know:
// which element to give focus back to when the one that opened a dialog was replaced meanwhile,
// the panel's history entries, and the backdrop click.
(function () {
  "use strict";

  function panel() { return document.getElementById("panel"); }
  function modal() { return document.getElementById("modal"); }
  function isTyping(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function panelTicket() {
    var shell = panel() && panel().querySelector("[data-panel-ticket]");
    return shell ? shell.getAttribute("data-panel-ticket") : null;
  }

  // --- giving focus back -------------------------------------------------------------------------
  // A dialog's opener can be swapped out while the dialog is open (a row after a status change,
  // My Queue after any change). Remember the opener with the ids of the regions around it and its
  // link, so focus goes to the same link in whatever replaced it rather than to <body>.
  function remember(el) {
    if (!el || !el.getAttribute) return null;
    var regions = [];
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      if (node.id) regions.push(node.id);
    }
    return { el: el, regions: regions, link: el.getAttribute("hx-get") || el.getAttribute("href") };
  }

  function giveFocusBack(record) {
    if (!record) return;
    if (record.el.isConnected) { record.el.focus(); return; }
    for (var i = 0; i < record.regions.length; i++) {
      var region = document.getElementById(record.regions[i]);
      if (!region) continue;
      if (region.id === record.el.id) { region.focus(); return; }
      var same = record.link && Array.prototype.find.call(
        region.querySelectorAll("[hx-get], [href]"),
        function (el) { return (el.getAttribute("hx-get") || el.getAttribute("href")) === record.link; }
      );
      if (same) { same.focus(); return; }
    }
  }

  // Focus on nothing in particular (the page, after a click on its background).
  function focusIsNowhere(el) {
    return !el || el === document.body || el === document.documentElement || el.id === "main";
  }

  // --- the panel ---------------------------------------------------------------------------------
  var panelOpener = null; // remember()ed element the panel was opened from
  var panelUrls = {}; // ticket id -> its panel URL (rendered by the server), for Back/Forward
  var keepFocusOnClose = false; // the shortcut that closed the panel has already moved focus

  // Toasts belong to the top layer while the panel is open, or they would sit under its backdrop;
  // inside the panel they are placed beside it (app.css), never over the note composer.
  function placeToasts() {
    var box = document.getElementById("toasts");
    var p = panel();
    var home = p && p.open ? p : document.body;
    if (box && box.parentElement !== home) home.appendChild(box);
  }

  function showPanel() {
    var p = panel();
    if (!p) return;
    if (!p.matches(":modal")) {
      // Rendered open by the server (a `?ticket=` link, readable without JS): make it modal.
      if (p.open) p.removeAttribute("open");
      p.showModal();
    }
    var shell = p.querySelector("[data-panel-ticket]");
    if (shell) panelUrls[shell.getAttribute("data-panel-ticket")] = shell.getAttribute("data-panel-url");
    placeToasts();
    var title = document.getElementById("panel-title");
    if (title) title.focus({ preventScroll: true });
  }

  function closePanel(options) {
    var p = panel();
    if (!p || !p.open) return false;
    keepFocusOnClose = Boolean(options && options.keepFocus);
    p.close();
    return true;
  }

  // Every panel and list request is remembered per region; only the newest one may swap in (and
  // push its URL). A slower, older answer (a related ticket clicked before Esc and another row, a
  // page link clicked before a filter) is dropped, so the last thing asked for always wins.
  var wanted = {}; // region id -> the XMLHttpRequest whose answer it is waiting for
  var RACED = { panel: true, results: true };

  function callOffPanel() {
    var inFlight = wanted.panel;
    delete wanted.panel; // closed: a panel still on its way must not reopen it
    if (inFlight) inFlight.abort();
  }

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

  // --- the panel's history: one entry per ticket opened, none left behind by closing ------------
  // Opening pushes `?ticket=ID` (htmx, from hx-push-url); each pushed entry records how many
  // panel entries lie between it and the list it was opened over (`rfPanel`). Closing goes back
  // that many steps, to the very entry the list had before, so Back afterwards leaves the list
  // instead of showing it again. Back and Forward between entries of the same list open, switch
  // or close the panel in place; anything else is htmx's history restore.
  var shownUrl = location.href;
  var closingByBack = false;

  function depthOf(state) { return (state && state.rfPanel) || 0; }
  function listOf(href) {
    var url = new URL(href, location.href);
    url.searchParams.delete("ticket");
    url.searchParams.sort();
    return url.pathname + "?" + url.searchParams.toString();
  }
  function withoutTicket(href) {
    var url = new URL(href, location.href);
    url.searchParams.delete("ticket");
    return url.pathname + url.search;
  }

  function stamp(value) {
    depth = value;
    history.replaceState(Object.assign({}, history.state, { rfPanel: value }), "");
  }
  var depth = depthOf(history.state); // the current entry's
  var pushDepth = 0;
  document.addEventListener("htmx:beforeHistoryUpdate", function (e) {
    // htmx has just rewritten the current entry's state ({htmx: true}): put its depth back.
    stamp(depth);
    var path = e.detail.history && e.detail.history.path;
    var opensTicket = path && new URL(path, location.href).searchParams.has("ticket");
    pushDepth = opensTicket && e.detail.history.type === "push" ? depth + 1 : 0;
  });
  document.addEventListener("htmx:pushedIntoHistory", function () {
    stamp(pushDepth);
    shownUrl = location.href;
  });
  document.addEventListener("htmx:replacedInHistory", function () { shownUrl = location.href; });

  function leavePanelHistory() {
    if (depth) { closingByBack = true; history.go(-depth); return; }
    if (new URL(location.href).searchParams.has("ticket")) {
      // Opened by a link to `?ticket=ID` (nothing of ours to go back over): drop the ticket.
      history.replaceState(history.state, "", withoutTicket(location.href));
      shownUrl = location.href;
    }
  }

  // Capture: runs before htmx's window.onpopstate, which would reload the page for these.
  window.addEventListener("popstate", function (e) {
    depth = depthOf(e.state);
    var sameList = listOf(location.href) === listOf(shownUrl);
    shownUrl = location.href;
    if (!sameList || !panel()) { closingByBack = false; return; }
    e.stopImmediatePropagation();
    var id = new URL(location.href).searchParams.get("ticket");
    if (closingByBack) {
      closingByBack = false;
      if (id) { history.replaceState(history.state, "", withoutTicket(location.href)); shownUrl = location.href; }
      return;
    }
    if (!id) { closePanel(); return; }
    if (id === panelTicket() && panel().open) return;
    var url = panelUrls[id];
    if (!url) { location.reload(); return; }
    // Asked for from the panel itself, not the row: the row's hx-push-url would push the entry
    // we are already on (each Back would add one). Focus still goes back to the row on close.
    var row = document.querySelector('[data-ticket-list] [data-ticket-id="' + CSS.escape(id) + '"]');
    if (row && !panel().open) panelOpener = remember(row);
    htmx.ajax("GET", url, { source: panel(), target: "#panel", swap: "innerHTML" });
  }, true);

  // Closing, however it happens (Esc, the ✕, the backdrop, Back): call off a panel still on its
  // way, leave its history entries, put focus back where the panel was opened from.
  document.addEventListener("close", function (e) {
    if (e.target.id === "panel") {
      callOffPanel();
      placeToasts();
      if (!closingByBack) leavePanelHistory();
      if (!keepFocusOnClose) giveFocusBack(panelOpener);
      keepFocusOnClose = false;
      panelOpener = null;
    }
    if (e.target.id === "modal") {
      // The modal's content is thrown away on close, so the next open starts a fresh draft;
      // but not while a create is on its way: its answer (the "#ID created" toast, or the
      // draft back with the reason) still lands in it, and reopening shows that same draft.
      if (!creating) document.getElementById("modal-body").innerHTML = "";
      giveFocusBack(modalOpener);
      modalOpener = null;
    }
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

  // --- the New Ticket modal ----------------------------------------------------------------------
  var modalOpener = null;
  var creating = null; // the XHR of a Create on its way, which closing the modal must not drop

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
  var shortcutOpener = null; // set by the `n` shortcut for the request it makes

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
  function openNewTicket() {
    var button = document.querySelector('[data-shortcut="n"]');
    var url = (button && button.getAttribute("hx-get")) || document.body.getAttribute("data-new-ticket-url");
    if (!url) return false;
    var from = document.activeElement;
    shortcutOpener = remember(focusIsNowhere(from) && button ? button : from);
    htmx.ajax("GET", url, { source: button || document.body, target: "#modal-body", swap: "innerHTML" });
    return true;
  }

  function showTab(name) {
    document.querySelectorAll("[data-tabs] [data-tab]").forEach(function (tab) {
      var selected = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1; // one Tab stop: the selected tab
      var panelEl = document.getElementById(tab.getAttribute("aria-controls"));
      if (panelEl) panelEl.hidden = !selected;
    });
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t === panel() && pressedOnBackdrop && outside(t, e)) { closePanel(); return; }
    if (t.closest("[data-close-panel]")) { closePanel(); return; }
    if (t.closest("[data-close-modal]")) { closeModal(); return; }
    var dialogClose = t.closest("[data-close-dialog]");
    if (dialogClose) { dialogClose.closest("dialog").close(); return; }
    var tab = t.closest("[data-tab]");
    if (tab) { showTab(tab.getAttribute("data-tab")); return; }
    if (t.closest("[data-skip-to-rows]")) {
      // Past the navigation and the filters, straight to the first ticket (two Tabs and Enter).
      var first = document.querySelector("[data-ticket-list] .ticket-link");
      if (first) { e.preventDefault(); first.focus(); first.scrollIntoView({ block: "nearest" }); }
      return;
    }
    var dismiss = t.closest("[data-dismiss-notice]");
    if (dismiss) {
      // "Keep" the status ConnectWise has: the question goes, focus goes back to the select.
      var control = dismiss.closest(".status-control");
      dismiss.closest(".status-notice").remove();
      var select = control && control.querySelector("select");
      if (select) { select.removeAttribute("aria-describedby"); select.focus(); }
      return;
    }
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

  // Which element asked for the panel or the modal, so focus can return there when it closes.
  // A related ticket opened inside the panel keeps the row the panel was first opened from.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (!target) return;
    if (target.id === "panel" && !panel().contains(e.detail.elt)) panelOpener = remember(e.detail.elt);
    if (target.id === "modal-body" && !modal().open) {
      modalOpener = shortcutOpener || remember(e.detail.elt);
      shortcutOpener = null;
    }
  });

  // The panel's innerHTML swap would take the toasts with it: they step out for the swap and
  // come back once the request is over, whether it swapped or not.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "panel" && e.detail.shouldSwap) {
      var box = document.getElementById("toasts");
      if (box && panel().contains(box)) document.body.appendChild(box);
    }
  });
  document.addEventListener("htmx:afterRequest", placeToasts);

  // A dialog opens only once htmx has wired its new content. htmx does that in its settle step
  // (~20 ms after the swap), so anything typed or clicked in between would be plain HTML that
  // sends nothing (a company search, a note): process it now, then open. htmx skips elements it
  // has already initialised, so its own pass at settle changes nothing.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && (target.id === "panel" || target.id === "modal-body")) htmx.process(target);
    if (target && target.id === "panel") showPanel();
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

  // Assignees: the section is replaced after an add or a removal; focus goes to the control
  // that changed (the added member's Remove button; after a removal, the Add select, where that
  // member is now offered), never to <body>.
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
  // "Retry (wait 44 s)" counts down and can be pressed only once the wait is over.
  function countDown(button) {
    if (button.rfCounting) return;
    button.rfCounting = true;
    var left = parseInt(button.getAttribute("data-retry-wait"), 10) || 0;
    var tick = setInterval(function () {
      left -= 1;
      if (!button.isConnected || left <= 0) {
        clearInterval(tick);
        button.disabled = false;
        button.textContent = "Retry";
        return;
      }
      button.textContent = "Retry (wait " + left + " s)";
    }, 1000);
  }
  document.addEventListener("htmx:load", function (e) {
    var root = e.detail.elt;
    if (!root || !root.querySelectorAll) return;
    if (root.matches("[data-retry-wait]")) countDown(root);
    root.querySelectorAll("[data-retry-wait]").forEach(countDown);
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (panelTicket()) showPanel();
    // `/` from another page lands here: the search box, focused, and no fragment left behind.
    if (location.hash === "#search") {
      var search = document.querySelector('[data-shortcut="/"]');
      history.replaceState(history.state, "", location.pathname + location.search);
      shownUrl = location.href;
      if (search) search.focus();
    }
    document.querySelectorAll("[data-toast-error]").forEach(function (el) {
      window.rfToast(el.getAttribute("data-toast-error"), "error");
    });
  });

  // --- combobox (company search) ---
  // The list's company filter (`data-combobox-applied`: the company the list is filtered by)
  // always says what the list shows: text typed but not picked goes back to the applied company
  // when focus leaves, so the next filter change keeps it; emptying the box clears the filter.
  // Any combobox's list closes when focus leaves it; elsewhere (the New Ticket form) typed text
  // stays for the engineer to finish, and the form says when no company was picked.
  function hideList(list) {
    list.hidden = true;
    var input = list.parentElement.querySelector("[data-combobox-input]");
    if (input) input.setAttribute("aria-expanded", "false");
  }

  function setApplied(box, value, label) {
    if (!box.hasAttribute("data-combobox-applied")) return;
    box.setAttribute("data-combobox-applied", value);
    box.setAttribute("data-combobox-applied-label", label);
  }

  function pickOption(option) {
    var box = option.closest("[data-combobox]");
    var hidden = box.querySelector("[data-combobox-value]");
    var input = box.querySelector("[data-combobox-input]");
    hidden.value = option.getAttribute("data-value");
    input.value = option.getAttribute("data-label");
    setApplied(box, hidden.value, input.value);
    hideList(option.closest(".combobox-list"));
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  function leaveCombobox(box) {
    var list = box.querySelector(".combobox-list");
    if (list && !list.hidden) hideList(list);
    if (!box.hasAttribute("data-combobox-applied")) return;
    box.querySelector("[data-combobox-value]").value = box.getAttribute("data-combobox-applied");
    box.querySelector("[data-combobox-input]").value = box.getAttribute("data-combobox-applied-label") || "";
  }

  document.addEventListener("focusout", function (e) {
    var box = e.target.closest && e.target.closest("[data-combobox]");
    if (!box || (e.relatedTarget && box.contains(e.relatedTarget))) return;
    // Focus went to another control: put the box right before that control can fire a change.
    if (e.relatedTarget) { leaveCombobox(box); return; }
    // Nowhere in particular (a click on the page, or the window lost focus): the box is left
    // only if focus did not stay in it (switching windows and back keeps the typing).
    setTimeout(function () { if (!box.contains(document.activeElement)) leaveCombobox(box); }, 0);
  });

  // A search answering after focus left (its typing delay, a slow reply) must not reopen the list.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || !target.classList || !target.classList.contains("combobox-list")) return;
    if (!target.parentElement.contains(document.activeElement)) e.detail.shouldSwap = false;
  });

  document.addEventListener("input", function (e) {
    if (e.target.matches("[data-combobox-input]")) {
      var box = e.target.closest("[data-combobox]");
      var hidden = box.querySelector("[data-combobox-value]");
      var applied = box.getAttribute("data-combobox-applied");
      if (e.target.value === "" && (hidden.value || applied)) {
        // Emptied: no company, for the form and (for the filter) for the list.
        hidden.value = "";
        setApplied(box, "", "");
        hidden.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        hidden.value = ""; // typing: nothing picked until an option is
      }
    }
    var counterFor = e.target.getAttribute && e.target.getAttribute("data-counter");
    if (counterFor) {
      var counter = document.getElementById(counterFor);
      if (counter) counter.textContent = e.target.value.length;
    }
  });

  // A company typed but not picked must not fire the list filter on its own. Nor must the search
  // box's change on blur (Esc, Tab): its input already sent the same search, and the repeat would
  // replace the rows under a j/k that has just focused one.
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-combobox-input], #f-search")) e.stopPropagation();
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

    // The New Ticket tabs: arrows (and Home/End) move to and select the next tab.
    if (el && el.matches && el.matches("[data-tabs] [role=tab]") && /^(ArrowLeft|ArrowRight|Home|End)$/.test(e.key)) {
      var tabs = Array.prototype.slice.call(el.closest("[data-tabs]").querySelectorAll("[role=tab]"));
      var at = tabs.indexOf(el);
      var to = e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1
        : (at + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length;
      e.preventDefault();
      showTab(tabs[to].getAttribute("data-tab"));
      tabs[to].focus();
      return;
    }
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
    // Ctrl+Enter (Cmd+Enter on a Mac) in the note box adds the note.
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches && e.target.matches("#composer textarea[name=text]")) {
      e.preventDefault();
      if (e.target.form) e.target.form.requestSubmit();
      return;
    }
    if (e.metaKey || e.ctrlKey || e.altKey || isTyping(el)) return;
    // Behind another dialog (the New Ticket modal, the help) the page's keys wait.
    if (document.querySelector("dialog[open]:not(#panel)")) return;
    var panelOpen = panel() && panel().open;

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
      var links = Array.prototype.slice.call(document.querySelectorAll("[data-ticket-list] .ticket-link"));
      if (!links.length) return;
      e.preventDefault();
      if (panelOpen) {
        // The list is behind the open panel: j/k show the next/previous row's ticket in it, from
        // the row last asked for (a quick j j moves two rows even before the first has loaded).
        var shown = (panelOpener && panelOpener.el.getAttribute("data-ticket-id")) || panelTicket();
        var at = links.findIndex(function (link) { return link.getAttribute("data-ticket-id") === shown; });
        if (at === -1) return;
        var to = e.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
        if (to === at) return;
        links[to].scrollIntoView({ block: "nearest" });
        links[to].click();
        return;
      }
      var current = links.indexOf(el);
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
    var fullDraft = false;
    fields.forEach(function (el) {
      var key = keyFor(el);
      var saved = key && s.getItem(key);
      if (saved && !el.value) {
        el.value = saved;
        el.dispatchEvent(new Event("input", { bubbles: true })); // counters follow
        if (el.closest("#ticket-form")) fullDraft = true;
      }
    });
    // The modal opens on Quick Create, unless a Full Form draft is back: then on that draft.
    var prompt = document.querySelector("#quick-form textarea[name=prompt]");
    if (fullDraft && !(prompt && prompt.value)) {
      document.dispatchEvent(new CustomEvent("showTicketTab", { detail: { tab: "full" } }));
      var quick = document.getElementById("tabpanel-quick");
      var summary = document.querySelector("#ticket-form input[name=summary]");
      if (summary && quick && quick.contains(document.activeElement)) summary.focus();
    }
  });

  // A Create that was sent keeps its idempotency key until the ticket is created: the draft
  // reopened after Esc, a reload or an unknown outcome is the same ticket to ConnectWise, never
  // a second one.
  function createKeyName() {
    var origin = document.querySelector("#ticket-form input[name=origin]");
    return PREFIX + "new:" + (origin ? origin.value : "") + ":idempotency_key";
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var s = store();
    if (!s || e.detail.elt.id !== "ticket-form") return;
    var key = e.detail.elt.querySelector("input[name=idempotency_key]");
    if (key && key.value) s.setItem(createKeyName(), key.value);
  });
  document.addEventListener("htmx:load", function (e) {
    var s = store();
    var root = e.detail.elt;
    var key = s && root && root.querySelector && root.querySelector("#ticket-form input[name=idempotency_key]");
    var saved = key && s.getItem(createKeyName());
    if (saved) key.value = saved;
  });

  // A note box keeps taking keystrokes while its note is sent. When the answer replaces the
  // composer, what was typed meanwhile is not thrown away: after a note was added (or queued)
  // it stays as the next draft; after a refusal the box keeps the text as it now reads.
  var sending = new WeakMap(); // xhr -> { sent: the text sent, now: the box's text at the swap }
  function noteBox(root) { return root && root.querySelector && root.querySelector("textarea[name=text]"); }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (!form.matches || !form.matches("#composer form")) return;
    var box = noteBox(form);
    if (box) sending.set(e.detail.xhr, { sent: box.value, now: null });
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var record = sending.get(e.detail.xhr);
    var box = record && noteBox(document.getElementById("composer"));
    if (box) record.now = box.value;
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var record = sending.get(e.detail.xhr);
    if (!record) return;
    sending.delete(e.detail.xhr);
    var box = noteBox(document.getElementById("composer"));
    if (!box || record.now === null || record.now === record.sent) return;
    var refused = box.value.trim() !== "";
    var next = refused ? record.now
      : record.now.indexOf(record.sent) === 0 ? record.now.slice(record.sent.length).replace(/^\s+/, "") : record.now;
    if (!next || next === box.value) return;
    box.value = next;
    box.dispatchEvent(new Event("input", { bubbles: true })); // kept as this ticket's draft
  });

  function noteDone(e) { if (e.detail && e.detail.id) forget(PREFIX + "note:" + e.detail.id); }
  document.addEventListener("noteAdded", noteDone);
  document.addEventListener("noteQueued", noteDone);
  document.addEventListener("ticketCreated", function (e) {
    forget(PREFIX + "new:" + ((e.detail && e.detail.origin) || "") + ":");
  });
})();

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

  // Close session takes the unsent message along: the closed page shows it, to copy.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("[data-close-session]")) return;
    var box = document.getElementById("composer-text");
    form.querySelector("input[name=draft]").value = box ? box.value : "";
  });

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

  // A row clicked before its wait is over is being opened: its panel loads the sections itself,
  // and a prefetch started now would only read ConnectWise a second time.
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
})();
