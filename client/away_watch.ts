/**
 * Tells whether this tab is away: hidden, or without input for {@linkcode AWAY_AFTER_MS}.
 *
 * @module
 */
import { AWAY_AFTER_MS } from "../lib/common/protocol.ts";

/**
 * Calls `report(away)` whenever the tab becomes away or active again (and once at start).
 *
 * @returns A function that stops watching.
 */
export function watchAway(report: (away: boolean) => void, idleMs = AWAY_AFTER_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle = false;
  const update = () => report(idle || document.hidden);
  const active = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      update();
    }, idleMs);
    if (idle) {
      idle = false;
      update();
    }
  };
  const events = ["pointerdown", "keydown", "pointermove", "focus"];
  for (const name of events) addEventListener(name, active, { passive: true });
  document.addEventListener("visibilitychange", update);
  active();
  update();
  return () => {
    clearTimeout(timer);
    for (const name of events) removeEventListener(name, active);
    document.removeEventListener("visibilitychange", update);
  };
}
