/**
 * Opens many clients with a bounded number of handshakes in flight.
 *
 * @module
 */
import { connect } from "./adapters.mjs";

/**
 * Loopback source addresses the clients are spread over (127.0.1.0 to 127.0.1.63), as real
 * clients come from many addresses: our server limits open connections per address.
 */
const SOURCE_ADDRESSES = 64;

/** Source address of client `index`. */
export function sourceAddress(index) {
  return `127.0.1.${index % SOURCE_ADDRESSES}`;
}

/**
 * @typedef {object} ClientSpec
 * @property {string} url
 * @property {string} [cookie]
 * @property {string} room
 * @property {number} [index] Position of the client in the whole job (picks its address).
 */

/**
 * Connects one client per spec, `window` handshakes at a time, and joins each to its room when
 * `join` is set. Resolves with the clients in spec order (undefined where one failed) and the
 * failures' reasons.
 *
 * @param {string} kind
 * @param {ClientSpec[]} specs
 * @param {object} options
 * @param {number} options.window Handshakes in flight at most.
 * @param {boolean} options.join Whether to join each client's room.
 * @param {(index: number) => Omit<import("./adapters.mjs").ClientOptions, "url" | "cookie">} options.events
 */
export async function connectAll(kind, specs, options) {
  /** @type {(import("./adapters.mjs").BenchClient | undefined)[]} */
  const clients = new Array(specs.length);
  /** @type {string[]} */
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const spec = specs[index];
      try {
        const client = await connect(kind, {
          url: spec.url,
          cookie: spec.cookie,
          localAddress: sourceAddress(spec.index ?? index),
          ...options.events(index),
        });
        if (options.join) await client.join(spec.room, spec.after);
        clients[index] = client;
      } catch (error) {
        failures.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.window, specs.length) }, worker));
  return { clients, failures };
}
