// A region waiting for an answer says so: aria-busy for assistive technology, `rf-busy` for the
// dim (app.css). Set when the request is really sent (a prefetched section never is) and cleared
// when it ends, however it ends; a swapped-in element starts fresh.

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
// (htmx re-fires afterRequest on an ancestor when the requesting element was swapped out, and an
// element outside the page does not bubble to document: count each request once, by XHR.)
document.addEventListener("htmx:afterRequest", function (e) {
  var region = e.detail.xhr && busyRequests.get(e.detail.xhr);
  if (!region) return;
  busyRequests.delete(e.detail.xhr);
  busy(region, -1);
});
