// The entry module: every behaviour of the pages is a module of its own, by concern. They listen
// on `document` (htmx swaps content in and out), so importing one is all it takes. The order is
// the order their listeners run in where two share an event: a request that loses the race
// (newest-wins) is dropped before the panel and the modal look at it, and the combobox and the
// tabs handle their keys before the page's shortcuts.
import "./toasts.js";
import "./newest-wins.js";
import "./busy.js";
import "./panel-history.js";
import "./panel.js";
import "./modal.js";
import "./buttons.js";
import "./tabs.js";
import "./combobox.js";
import "./focus-after-swap.js";
import "./retry-countdown.js";
import "./keyboard.js";
import "./note-composer.js";
import "./task-lane.js";
import "./drafts.js";
import "./chat.js";
import "./prefetch.js";
import "./eml-drop.js";
