/**
 * An open-loop load schedule: actions fire at fixed times whatever the server's answers, so a
 * slow server meets the offered rate (and shows it as latency) instead of slowing the
 * generator down. A late generator catches up at once; how late it was is the send lag.
 *
 * @module
 */
import { performance } from "node:perf_hooks";
import { Histogram } from "./histogram.mjs";

/**
 * Fires `fire(scheduled)` `perSecond` times a second for `ms` milliseconds (at least once),
 * each at its scheduled time on `performance.now()`'s clock or as soon after as the event loop
 * allows.
 *
 * @param {number} perSecond Actions per second.
 * @param {number} ms How long to offer them.
 * @param {(scheduled: number) => void} fire Sends one action due at `scheduled`.
 * @returns {Promise<{ sent: number, lag: Histogram }>} How many fired, and how late each was.
 */
export function openLoop(perSecond, ms, fire) {
  const total = Math.max(1, Math.round((perSecond * ms) / 1000));
  const interval = 1000 / perSecond;
  const lag = new Histogram();
  const start = performance.now() + 2;
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total) {
        const scheduled = start + sent * interval;
        if (scheduled > now) break;
        fire(scheduled);
        lag.recordMs(performance.now() - scheduled);
        sent++;
      }
      if (sent >= total) resolve({ sent, lag });
      else setTimeout(tick, Math.max(0, start + sent * interval - performance.now() - 0.5));
    };
    setTimeout(tick, 2);
  });
}
