/**
 * The logout's question about this device's end-to-end keys: when the browser holds keys of the
 * signed-in user, a modal dialog asks whether to keep them (the default, focused: the secret
 * chats stay readable when they log in here again) or remove them; otherwise, and once
 * answered, the logout goes on. Loaded only when the user logs out.
 *
 * The dialog is built with the DOM rather than the `Dialog` component: rendering Preact here
 * would make the first-load chunk export `render` and the i18n context for this chunk, bytes
 * the first-load budget does not have. It has the same classes, so it looks the same.
 *
 * @module
 */
import type { Translate } from "../lib/common/i18n/translate.ts";
import type { ChatClient } from "./chat_client.ts";
import { deleteDeviceKeys, forgetDeviceOnServer, hasDeviceKeys } from "./e2e/device_removal.ts";
import { errorText } from "./error_text.ts";

/**
 * Logs out with `logOut`, first asking about the keys when there are any. "Remove keys" has
 * the server forget the device, closes the connection (nothing more is read or written here),
 * drops the outbox's encrypted messages (their plaintext stays on the device until sent), and
 * deletes the user's E2E records in IndexedDB; when the server cannot be told, it says so and
 * changes nothing.
 */
export async function logOutAsking(
  logOut: () => void,
  client: ChatClient,
  t: Translate,
): Promise<void> {
  const userId = client.user.id;
  if (!await hasDeviceKeys(userId)) return logOut();
  const dialog = element("dialog", {
    class: "dialog confirm",
    "data-testid": "logout-keys-dialog",
  });
  const heading = element("h2", { id: "logout-keys-title" }, t("e2e.logoutTitle"));
  dialog.setAttribute("aria-labelledby", heading.id);
  const error = element("p", { class: "error", role: "alert", hidden: "" });
  const cancel = button(t("common.cancel"), "button secondary", "logout-cancel");
  const remove = button(t("e2e.logoutRemove"), "button danger", "logout-remove-keys");
  const keep = button(t("e2e.logoutKeep"), "button", "logout-keep-keys");
  dialog.append(
    element(
      "div",
      { class: "dialog-body" },
      element("div", { class: "dialog-head" }, heading),
      element("p", { class: "muted" }, t("e2e.logoutNote")),
      element("p", {}, t("e2e.logoutKeepNote")),
      element("p", {}, t("e2e.logoutRemoveNote")),
      error,
      element("div", { class: "dialog-actions" }, cancel, remove, keep),
    ),
  );
  const opener = document.activeElement;
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });
  // A click on the backdrop lands on the dialog element itself, outside its box.
  dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
  cancel.addEventListener("click", () => dialog.close());
  keep.addEventListener("click", logOut);
  remove.addEventListener("click", async () => {
    for (const choice of [cancel, remove, keep]) choice.disabled = true;
    error.hidden = true;
    try {
      await forgetDeviceOnServer(userId);
    } catch (failure) {
      error.textContent = errorText(t, failure);
      error.hidden = false;
      for (const choice of [cancel, remove, keep]) choice.disabled = false;
      return;
    }
    client.close();
    for (const entry of client.outbox.entries.value) {
      // A text still held for the keys goes too: the keys it waited for are being removed.
      if (entry.e2e || entry.held === "keys") client.outbox.remove(entry.clientId);
    }
    await deleteDeviceKeys(userId);
    logOut();
  });
  document.body.append(dialog);
  dialog.showModal();
  keep.focus();
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

function button(text: string, className: string, testId: string): HTMLButtonElement {
  return element("button", { type: "button", class: className, "data-testid": testId }, text);
}
