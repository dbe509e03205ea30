import { computed, type ReadonlySignal, signal } from "@preact/signals";
import { TYPING_SHOW_MS } from "../lib/common/protocol.ts";
import type { Clock, TimerId } from "./chat_client_options.ts";
import type { PublicUser } from "../lib/common/api_types.ts";

interface Typist {
  name: string;
  /** Clock time after which the notice is gone unless renewed. */
  until: number;
}

/**
 * Who is typing in one room, as `typing` frames tell: each typist shows for
 * {@linkcode TYPING_SHOW_MS} after their last notice, and goes at once on a stop notice or when
 * their message arrives. Expiry runs on the injected clock, so tests need no sleeps.
 */
export class TypingState {
  readonly #clock: Clock;
  readonly #typists = signal<ReadonlyMap<string, Typist>>(new Map());
  #timer: TimerId | undefined;

  /** Who is typing now (id and username), in the order they started. */
  readonly typists: ReadonlySignal<readonly PublicUser[]> = computed(() =>
    [...this.#typists.value].map(([id, typist]) => ({ id, name: typist.name }))
  );

  /** @param clock Time and timers (a fake one in tests). */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** `userId` (named `name`) is typing: shown, or kept for longer. */
  started(userId: string, name: string): void {
    const typists = new Map(this.#typists.peek());
    typists.set(userId, { name, until: this.#clock.now() + TYPING_SHOW_MS });
    this.#typists.value = typists;
    this.#arm();
  }

  /** `userId` stopped (emptied the composer, or their message arrived). */
  stopped(userId: string): void {
    if (!this.#typists.peek().has(userId)) return;
    const typists = new Map(this.#typists.peek());
    typists.delete(userId);
    this.#typists.value = typists;
    this.#arm();
  }

  /** Forgets everyone (the connection was lost) and cancels the timer. */
  clear(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#typists.peek().size > 0) this.#typists.value = new Map();
  }

  /** Drops the expired typists and sets the timer for the next expiry. */
  #arm(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#clock.now();
    const current = this.#typists.peek();
    const live = new Map([...current].filter(([, typist]) => typist.until > now));
    if (live.size !== current.size) this.#typists.value = live;
    if (live.size === 0) return;
    const next = Math.min(...[...live.values()].map((typist) => typist.until));
    this.#timer = this.#clock.setTimeout(() => this.#arm(), next - now);
  }
}
