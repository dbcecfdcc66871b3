// The note composer in the panel: Ctrl+Enter adds the note, and what is typed while a note is
// on its way is kept.

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

// Ctrl+Enter (Cmd+Enter on a Mac) in the note box adds the note.
document.addEventListener("keydown", function (e) {
  if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || !e.target.matches || !e.target.matches("#composer textarea[name=text]")) return;
  e.preventDefault();
  if (e.target.form) e.target.form.requestSubmit();
});

// The first note added replaces the feed's "no notes yet".
document.addEventListener("noteAdded", function () {
  document.querySelectorAll("#notes-feed [data-empty]").forEach(function (el) { el.remove(); });
});
