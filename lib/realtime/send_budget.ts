/**
 * The node-wide budget for unsent bytes. Each socket's own buffer is bounded (`ws_handler.ts`),
 * but not their sum: a few hundred sockets that subscribe and never read could each hold
 * megabytes for the grace period. Every socket tells the budget what it holds whenever it
 * looks at its buffer; once the sum passes the limit, the sockets furthest behind (most
 * unsent bytes) are closed first until the sum is back under three quarters of it.
 *
 * A socket holding at most {@linkcode EVICTION_FLOOR_BYTES} is never closed by the budget: a
 * member that reads holds only what the server sent it since its last read, so while anyone
 * is further behind, a reading member is not cut because of them.
 *
 * @module
 */

/**
 * Sockets holding no more than this are never closed by the budget. A reading member's
 * buffer holds at most a burst sent in one turn before it drains (a flood of 16 KB messages
 * in chunks of 16 reads as up to 256 KiB at a check), and it is always the stuck sockets,
 * holding megabytes, that go first; 64 KiB per stuck socket is what the budget cannot reclaim.
 */
export const EVICTION_FLOOR_BYTES = 64 * 1024;
/** After an eviction the sum is at most this share of the limit, so it is not run per send. */
const EVICT_DOWN_TO = 0.75;

/** A socket as the budget sees it. */
export interface BudgetedSocket {
  /** Its unsent bytes now (a fresh read, not the last report). */
  unsentBytes(): number;
  /** Closes it for being too far behind (close code 4008); it then calls `forget`. */
  evict(): void;
}

/** Tracks the unsent bytes of this node's sockets and closes the furthest behind past a limit. */
export class SendBudget {
  readonly limitBytes: number;
  #floorBytes: number;
  #held = new Map<BudgetedSocket, number>();
  #total = 0;
  #evicting = false;
  /** Sockets closed by the budget since the start. */
  evictions = 0;

  /** A budget of `limitBytes` for all sockets together. */
  constructor(limitBytes: number, floorBytes = EVICTION_FLOOR_BYTES) {
    this.limitBytes = limitBytes;
    this.#floorBytes = floorBytes;
  }

  /** Unsent bytes of all sockets, as last reported. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Records that `socket` holds `bytes` unsent, and evicts if the sum is over the limit. */
  report(socket: BudgetedSocket, bytes: number): void {
    this.#set(socket, bytes);
    if (this.#total > this.limitBytes && !this.#evicting) this.#evict();
  }

  /** Drops a closed socket from the sum. */
  forget(socket: BudgetedSocket): void {
    this.#set(socket, 0);
  }

  #set(socket: BudgetedSocket, bytes: number): void {
    const old = this.#held.get(socket) ?? 0;
    if (bytes > 0) this.#held.set(socket, bytes);
    else this.#held.delete(socket);
    this.#total += bytes - old;
  }

  #evict(): void {
    this.#evicting = true;
    try {
      const target = this.limitBytes * EVICT_DOWN_TO;
      // Sorted once per eviction, not per send: the hysteresis makes evictions rare.
      const furthestBehind = [...this.#held]
        .filter(([, bytes]) => bytes > this.#floorBytes)
        .sort((a, b) => b[1] - a[1]);
      for (const [socket] of furthestBehind) {
        if (this.#total <= target) break;
        // A report can be old (a socket that caught up and has not been sent to since).
        const now = socket.unsentBytes();
        this.#set(socket, now);
        if (now <= this.#floorBytes) continue;
        this.evictions++;
        socket.evict();
        this.forget(socket);
      }
    } finally {
      this.#evicting = false;
    }
  }
}
