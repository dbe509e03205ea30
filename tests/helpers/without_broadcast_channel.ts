/**
 * Removes `BroadcastChannel` from this isolate: constructing one throws. Imported first by
 * `deploy_main.ts`, so a server configured for Deno Deploy, whose instances may not share a
 * channel, proves that it never reaches for one.
 *
 * @module
 */

/** Stands in for `BroadcastChannel`, which this configuration must not use. */
class NoBroadcastChannel {
  constructor() {
    throw new Error("BroadcastChannel is disabled in this configuration");
  }
}

Object.defineProperty(globalThis, "BroadcastChannel", { value: NoBroadcastChannel });
