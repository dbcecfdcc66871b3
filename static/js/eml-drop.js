// Quick Create: an email file (.eml) dropped on the Quick Create box, or picked with its file
// input, is sent with the form; the server reads it as the pasted email (tickets/ai/eml.py).
// A module of its own, by event delegation: the modal's content is swapped in by htmx.

const FORM = "#quick-form";
const PICK = "input[type=file][name=eml]";

function quickForm(target) {
  return target instanceof Element ? target.closest(FORM) : null;
}

function carriesFiles(event) {
  return Array.from(event.dataTransfer ? event.dataTransfer.types : []).includes("Files");
}

document.addEventListener("dragover", (event) => {
  const form = quickForm(event.target);
  if (!form || !carriesFiles(event)) return;
  event.preventDefault(); // allows the drop
  event.dataTransfer.dropEffect = "copy";
  form.classList.add("is-dropping");
});

document.addEventListener("dragleave", (event) => {
  const form = quickForm(event.target);
  if (form && !form.contains(event.relatedTarget)) form.classList.remove("is-dropping");
});

document.addEventListener("drop", (event) => {
  const form = quickForm(event.target);
  if (!form || !carriesFiles(event)) return;
  event.preventDefault(); // the browser must not open the file instead
  form.classList.remove("is-dropping");
  const file = event.dataTransfer.files[0];
  const input = form.querySelector(PICK);
  if (!file || !input) return;
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  form.requestSubmit();
});

document.addEventListener("change", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.matches(`${FORM} ${PICK}`) && input.files.length) {
    input.form.requestSubmit();
  }
});

// Once read, the file is forgotten: the next parse reads the box again.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = quickForm(event.target);
  const input = form && form.querySelector(PICK);
  if (input) input.value = "";
});
