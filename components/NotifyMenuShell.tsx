/**
 * The notification bell's place in the room header before its lazy chunk has come
 * (`lazy_parts.ts`): a disabled button as wide as the bell, hidden from assistive technology,
 * so the header's buttons do not move when the menu takes over.
 */
export default function NotifyMenuShell() {
  return (
    <div class="notify-menu" aria-hidden="true">
      <button type="button" class="button secondary notify-menu-shell" disabled tabIndex={-1} />
    </div>
  );
}
