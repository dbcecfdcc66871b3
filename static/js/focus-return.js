// Giving focus back when a dialog closes. A dialog's opener can be swapped out while the dialog
// is open (a row after a status change, My Queue after any change). Remember the opener with the
// ids of the regions around it and its link, so focus goes to the same link in whatever replaced
// it rather than to <body>.

export function remember(el) {
  if (!el || !el.getAttribute) return null;
  var regions = [];
  for (var node = el; node && node !== document.body; node = node.parentElement) {
    if (node.id) regions.push(node.id);
  }
  return { el: el, regions: regions, link: el.getAttribute("hx-get") || el.getAttribute("href") };
}

export function giveFocusBack(record) {
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
export function focusIsNowhere(el) {
  return !el || el === document.body || el === document.documentElement || el.id === "main";
}

export function isTyping(el) {
  return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}
