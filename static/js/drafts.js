// Drafts: a note box (per ticket) and the New Ticket form survive Esc, closing and reopening.
// Kept in sessionStorage while typed, put back into the same box when it is shown again, and
// forgotten once the note is added or queued, or the ticket is created. The Full Form's picks
// (company, board, status, priority, assignee) come back with its text.
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
// reopened after Esc, a reload or an unknown outcome is the same ticket to the PSA, never
// a second one.
function newKey(name) {
  var origin = document.querySelector("#ticket-form input[name=origin]");
  return PREFIX + "new:" + (origin ? origin.value : "") + ":" + name;
}
function createKeyName() { return newKey("idempotency_key"); }

// The picks, saved whole whenever one changes: the company's id and its shown name go together.
var PICKS = ["company_id", "company_q", "board_id", "status_id", "priority_id", "assigned_member_id"];
function savePicks(form) {
  var s = store();
  if (!s) return;
  var company = form.querySelector("[name=company_id]");
  PICKS.forEach(function (name) {
    var el = form.querySelector("[name=" + name + "]");
    var value = el ? el.value : "";
    if (name === "company_q" && !(company && company.value)) value = "";
    if (value) s.setItem(newKey("pick:" + name), value); else s.removeItem(newKey("pick:" + name));
  });
}
document.addEventListener("change", function (e) {
  var form = e.target.closest && e.target.closest("#ticket-form");
  if (form && PICKS.indexOf(e.target.name) !== -1) savePicks(form);
});

// Put the picks back into a Full Form that came without any (one the server pre-filled, from a
// ticket or a reviewed Quick Create, keeps its own). The board's statuses are fetched for it,
// with the saved status chosen.
function restorePicks(form) {
  var s = store();
  var summary = form.querySelector("input[name=summary]");
  // Only into the draft they were picked for: not into a Quick Create's reviewed form.
  if (!s || (summary && summary.value !== (s.getItem(newKey("summary")) || ""))) return;
  if (PICKS.some(function (name) {
    var el = form.querySelector("[name=" + name + "]");
    return el && el.value && name !== "status_id";
  })) return;
  var saved = {};
  PICKS.forEach(function (name) { saved[name] = s.getItem(newKey("pick:" + name)) || ""; });
  if (!PICKS.some(function (name) { return saved[name]; })) return;
  ["company_id", "company_q", "priority_id", "assigned_member_id", "board_id"].forEach(function (name) {
    var el = form.querySelector("[name=" + name + "]");
    if (el && saved[name]) el.value = saved[name];
  });
  var board = form.querySelector("select[name=board_id]");
  if (board && board.value && board.getAttribute("hx-get")) {
    htmx.ajax("GET", board.getAttribute("hx-get"), {
      source: board, target: "#new-status", swap: "outerHTML",
      values: { board_id: board.value, name: "status_id", default: "1", selected: saved.status_id },
    });
  }
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
  var form = root && root.matches && (root.matches("#ticket-form") ? root : root.querySelector("#ticket-form"));
  if (form) restorePicks(form);
});

function noteDone(e) { if (e.detail && e.detail.id) forget(PREFIX + "note:" + e.detail.id); }
document.addEventListener("noteAdded", noteDone);
document.addEventListener("noteQueued", noteDone);
document.addEventListener("ticketCreated", function (e) {
  forget(PREFIX + "new:" + ((e.detail && e.detail.origin) || "") + ":");
});
