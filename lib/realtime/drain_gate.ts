/**
 * The node's shutdown gate, shared by every connection: while open, connections hand it the
 * frame handling they start; {@linkcode DrainGate.close} stops new frames from being taken and
 * waits for those already taken to finish. Writes they queued are then in the message writer,
 * whose flush acks them, so a graceful shutdown loses nothing it accepted: a frame the gate
 * turned away was never acked, and the client's outbox sends it again after reconnecting.
 *
 * @module
 */

/** Tracks frame handling in flight and refuses new frames once closed. */
export class DrainGate {
  #closing = false;
  #inFlight = new Set<Promise<unknown>>();

  /** True once {@linkcode DrainGate.close} was called: take no new frame. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Records work in flight (a connection's frame chain); it is forgotten once settled. */
  track(work: Promise<unknown>): void {
    this.#inFlight.add(work);
    const forget = () => this.#inFlight.delete(work);
    work.then(forget, forget);
  }

  /**
   * Closes the gate and resolves when every tracked piece of work has settled, including
   * work tracked while waiting.
   *
   * @example Stopping a node
   * ```ts
   * await gate.close(); // no frame handling left
   * await writer.flush(); // every accepted send stored and acked
   * ```
   */
  async close(): Promise<void> {
    this.#closing = true;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
