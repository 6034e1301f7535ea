// The page's controls: the composer, the command menu, the photo and new-user dialogs, the block toggle.
// ``actions`` are the chat's: { sendText(text), sendPhotos(formData), setBlocked(), createUser(body), closeMenu() }.

import { $, el, toast } from "./dom.js";

function wireComposer(actions) {
  const input = $("message-input");
  const updateSend = () => { $("send-button").disabled = input.disabled || !input.value.trim(); };
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    input.style.height = "";
    updateSend();
    actions.sendText(text);
  });
  input.addEventListener("input", () => {
    input.style.height = "";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
    updateSend();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
}

function wireMenu(actions) {
  $("menu-button").addEventListener("click", () => {
    const menu = $("commands-menu");
    menu.hidden = !menu.hidden;
    $("menu-button").setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button")?.focus();
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") actions.closeMenu(); });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#commands-menu, #menu-button")) actions.closeMenu();
  });
}

// One or several photos from the file picker; several go as an album unless the person unticks it.
function wirePhotos(actions) {
  const input = $("photo-input");
  const dialog = $("photo-dialog");
  let files = [];
  input.addEventListener("change", () => {
    files = [...input.files].slice(0, 10);
    if (!files.length) return;
    $("photo-heading").textContent = files.length === 1 ? "Send a photo" : `Send ${files.length} photos`;
    $("photo-previews").replaceChildren(...files.map((file) => el("img", { src: URL.createObjectURL(file), alt: file.name })));
    $("album-choice").hidden = files.length < 2;
    $("album-input").checked = true;
    $("caption-input").value = "";
    dialog.showModal();
  });
  const reset = () => { input.value = ""; files = []; };
  $("photo-cancel").addEventListener("click", () => { dialog.close(); reset(); });
  $("photo-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData();
    for (const file of files) form.append("photo", file, file.name);
    form.append("album", String(files.length > 1 && $("album-input").checked));
    const caption = $("caption-input").value.trim();
    if (caption) form.append("caption", caption);
    dialog.close();
    reset();
    actions.sendPhotos(form);
  });
}

function wireUsers(actions) {
  const dialog = $("new-user-dialog");
  $("new-user").addEventListener("click", () => { $("new-user-form").reset(); dialog.showModal(); });
  $("new-user-cancel").addEventListener("click", () => dialog.close());
  $("new-user-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("new-user-name").value.trim();
    if (!name) return;
    try {
      await actions.createUser({ first_name: name, language_code: $("new-user-language").value });
      dialog.close();
    } catch (error) {
      toast(error.message);
    }
  });
  $("users-toggle").addEventListener("click", () => {
    const open = $("app").classList.toggle("users-open");
    $("users-toggle").setAttribute("aria-expanded", String(open));
  });
  $("block-toggle").addEventListener("click", () => actions.setBlocked());
}

export function wireControls(actions) {
  wireComposer(actions);
  wireMenu(actions);
  wirePhotos(actions);
  wireUsers(actions);
}
