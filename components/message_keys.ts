/**
 * The message list's keyboard: on the list, Enter focuses the newest message; on a message,
 * the arrow keys move to the one above or below, and Enter opens its menu (focuses the first
 * action); Escape in the menu goes back to the message.
 *
 * @module
 */

const MESSAGE = "li[data-testid=message][tabindex]";

/** The `keydown` handler of the message scroller (it sees the keys of everything inside). */
export function onMessageKey(event: KeyboardEvent): void {
  const target = event.target as HTMLElement;
  const scroller = event.currentTarget as HTMLElement;
  const messages = () => [...scroller.querySelectorAll<HTMLElement>(MESSAGE)];
  if (target === scroller) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    messages().at(-1)?.focus();
    return;
  }
  if (target.matches(MESSAGE)) {
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      const all = messages();
      const next = all[all.indexOf(target) + (event.key === "ArrowUp" ? -1 : 1)];
      next?.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      target.querySelector<HTMLElement>(".message-menu button")?.focus();
    }
    return;
  }
  if (event.key === "Escape" && target.closest(".message-menu")) {
    event.preventDefault();
    target.closest<HTMLElement>(MESSAGE)?.focus();
  }
}
