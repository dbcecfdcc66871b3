// The company combobox (the list's company filter, the New Ticket form's company).
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

document.addEventListener("click", function (e) {
  var t = e.target;
  var option = t.closest(".combobox-option");
  if (option) { pickOption(option); return; }
  document.querySelectorAll(".combobox-list:not([hidden])").forEach(function (list) {
    if (!list.parentElement.contains(t)) hideList(list);
  });
});

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

// A list's answer opens it. A late one (a focus load, a search still in its typing delay) must
// not reopen the list once a company has been picked; typing again clears the pick and shows it.
document.addEventListener("htmx:afterSwap", function (e) {
  var target = e.detail.target;
  if (!target || !target.classList || !target.classList.contains("combobox-list")) return;
  var picked = target.parentElement.querySelector("[data-combobox-value]");
  if (picked && picked.value) return;
  target.hidden = false;
  var input = target.parentElement.querySelector("[data-combobox-input]");
  if (input) input.setAttribute("aria-expanded", "true");
});

document.addEventListener("input", function (e) {
  if (!e.target.matches("[data-combobox-input]")) return;
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
});

// A company typed but not picked must not fire the list filter on its own. Nor must the search
// box's change on blur (Esc, Tab): its input already sent the same search, and the repeat would
// replace the rows under a j/k that has just focused one.
document.addEventListener("change", function (e) {
  if (e.target.matches("[data-combobox-input], #f-search")) e.stopPropagation();
}, true);

// Arrows move through the options, Enter picks, Esc closes the list. (A key handled here is
// marked handled, so the page's keys in keyboard.js leave it alone.)
document.addEventListener("keydown", function (e) {
  var el = document.activeElement;
  if (!el || !el.matches || !el.matches("[data-combobox-input], .combobox-option")) return;
  var list = el.closest("[data-combobox]").querySelector(".combobox-list");
  var options = Array.prototype.slice.call(list.querySelectorAll(".combobox-option"));
  var index = options.indexOf(el);
  if (e.key === "ArrowDown" && options.length) { e.preventDefault(); list.hidden = false; options[Math.min(index + 1, options.length - 1)].focus(); return; }
  if (e.key === "ArrowUp" && index >= 0) { e.preventDefault(); (index === 0 ? el.closest("[data-combobox]").querySelector("[data-combobox-input]") : options[index - 1]).focus(); return; }
  if (e.key === "Enter" && index >= 0) { e.preventDefault(); pickOption(el); return; }
  if (e.key === "Enter" && options.length === 1) { e.preventDefault(); pickOption(options[0]); return; }
  if (e.key === "Escape" && !list.hidden) { e.preventDefault(); hideList(list); }
});
