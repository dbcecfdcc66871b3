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
