/**
 * Holding a browser page's long timers, for tests that must prove something happened because of
 * a prompt (a notice, a request) and not because a periodic check came round.
 *
 * @module
 */
import type { BrowserContext } from "playwright-core";
import type { UserPage } from "./browser.ts";

/**
 * Makes every page of `context` able to stop its timers of a second or more: once
 * {@linkcode holdLongTimers} is called, such timers (the room reader's periodic membership
 * checks, 2 s to 2 min, and its rank waits, 3 s a step) never run their callback, so whatever
 * such a page still does is prompted by something else. Shorter timers run as usual.
 */
export async function allowHoldingLongTimers(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const held = globalThis as unknown as { holdLongTimers?: boolean };
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((handler: TimerHandler, delay?: number, ...args: unknown[]) =>
      original(
        (...given: unknown[]) => {
          if (held.holdLongTimers && (delay ?? 0) >= 1000) {
            return;
          }
          if (typeof handler === "function") {
            handler(...given);
          }
        },
        delay,
        ...args,
      )) as unknown as typeof setTimeout;
  });
}

/** Holds the page's timers of a second or more from now on, those already set included. */
export async function holdLongTimers({ page }: UserPage): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { holdLongTimers?: boolean }).holdLongTimers = true;
  });
}
