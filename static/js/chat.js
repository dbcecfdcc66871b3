// ResolutionAssist chat: Enter sends, the message shows at once, the newest stays in view.
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
