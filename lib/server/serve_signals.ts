/**
 * Keeps `deno serve` from handling SIGTERM and SIGINT itself, so the chat's graceful shutdown
 * decides when sockets close and with which code.
 *
 * After the entry module has run, `deno serve` adds its own listener for both signals that
 * calls the server's `shutdown()`; in Deno 2.9 that closes every WebSocket at once with 1001
 * ("Server shutting down"), before the messages being written are acked. A listener of ours
 * cannot go first: both run on the signal, and the 1001 won every time it was tried. So the
 * entry module calls {@linkcode keepServeFromHandlingSignals} first: the next attempt to
 * listen for SIGTERM (`deno serve`'s, which it wraps in a try/catch and then skips SIGINT too)
 * fails, and `Deno.addSignalListener` is restored at once. A Deno that registers differently
 * gets its own shutdown back, which loses no acked message but closes sockets with 1001;
 * `tests/integration_shutdown_test.ts` checks for 1012.
 *
 * @module
 */

/** Refuses the next SIGTERM listener registered after this call (`deno serve`'s), once. */
export function keepServeFromHandlingSignals(): void {
  const add = Deno.addSignalListener;
  const refuseOnce: typeof add = (signal, handler) => {
    if (signal !== "SIGTERM") return add(signal, handler);
    Deno.addSignalListener = add;
    throw new Error("the chat handles SIGTERM itself (see lib/server/serve_signals.ts)");
  };
  try {
    Deno.addSignalListener = refuseOnce;
  } catch {
    // A runtime whose `Deno` cannot be changed keeps its own shutdown (sockets get 1001).
  }
}
