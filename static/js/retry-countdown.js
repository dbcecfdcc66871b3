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
