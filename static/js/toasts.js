// Toasts: the server's HX-Trigger `toast` events, the messages of a full page load, and a failed
// htmx request, which must never be silent.

export function showToast(message, level) {
  var box = document.getElementById("toasts");
  if (!box || !message) return;
  var el = document.createElement("div");
  el.className = "toast toast-" + (level || "success");
  el.textContent = message;
  box.appendChild(el);
  setTimeout(function () { el.remove(); }, level === "error" ? 9000 : 4500);
}

document.addEventListener("toast", function (e) {
  showToast(e.detail && e.detail.message, e.detail && e.detail.level);
});

// Server-rendered messages (non-htmx requests) fade like htmx toasts do; an error a page was
// rendered with (`data-toast-error`) is shown as a toast.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("#toasts .toast").forEach(function (el) {
    setTimeout(function () { el.remove(); }, 6000);
  });
  document.querySelectorAll("[data-toast-error]").forEach(function (el) {
    showToast(el.getAttribute("data-toast-error"), "error");
  });
});

document.addEventListener("htmx:sendError", function () {
  showToast("The server could not be reached. Check your connection and try again.", "error");
});
document.addEventListener("htmx:responseError", function (e) {
  var xhr = e.detail.xhr;
  if (xhr && xhr.getResponseHeader("HX-Trigger")) return; // the server already explained
  showToast("Something went wrong (" + (xhr ? xhr.status : "?") + "). Your input was kept; try again.", "error");
});
