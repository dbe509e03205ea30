/**
 * The channel the workers of one `deno serve --parallel` process talk over (shutdown roll,
 * summed metrics), or none where the runtime offers no `BroadcastChannel` (or forbids it, as
 * the Deploy configuration's tests do): the worker then acts as the only one of its process.
 *
 * @module
 */

/**
 * Opens the `BroadcastChannel` named `name`, or returns `undefined` when this runtime has none.
 *
 * @example
 * ```ts
 * const channel = openWorkerChannel("chat-worker-roll");
 * channel?.postMessage({ hello: true });
 * ```
 */
export function openWorkerChannel(name: string): BroadcastChannel | undefined {
  try {
    return new BroadcastChannel(name);
  } catch {
    return undefined;
  }
}
