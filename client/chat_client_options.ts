/**
 * Options of {@linkcode ChatClient} and the small interfaces it needs from its environment, so
 * that tests can inject a fake clock, socket, storage and randomness.
 *
 * @module
 */
import type { PublicUser } from "../lib/common/api_types.ts";
import {
  type Clock as TimeSource,
  systemClock as systemTime,
  systemTimers,
  type Timers,
} from "../lib/common/clock.ts";
import type { BackoffOptions } from "./backoff.ts";

/** Time source and timers (the server's two interfaces); real ones by default, a fake in tests. */
export type Clock = TimeSource & Timers;

/** A timer id: a number in browsers, an object in Deno; only ever handed back to the clock. */
export type TimerId = unknown;

/** The part of the browser `WebSocket` the client uses. */
export interface SocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed, as in `WebSocket`. */
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A `WebSocket`-like constructor. */
export type SocketConstructor = new (url: string) => SocketLike;

/** The part of `localStorage` the outbox uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where the client listens for the `online` event; `window` by default. */
export interface EventSourceLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Options of {@linkcode ChatClient}. Only `user` is required; everything else defaults to the
 * browser's real objects, looked up when {@linkcode ChatClient.connect} runs (never during
 * server-side rendering).
 */
export interface ChatClientOptions {
  /** The signed-in user; own messages and the outbox key are derived from it. */
  user: PublicUser;
  /** Socket URL; defaults to `/ws?v=1` on the page's origin, `wss:` on `https:` pages. */
  url?: string;
  /** Socket constructor; defaults to `WebSocket`. */
  WebSocket?: SocketConstructor;
  /** Outbox storage; defaults to `localStorage` (or memory only when it is unavailable). */
  storage?: StorageLike | null;
  /** Clock and timers; defaults to `Date.now` and the global timers. */
  clock?: Clock;
  /** Uniform random numbers in [0, 1) for the backoff jitter; defaults to `Math.random`. */
  random?: () => number;
  /** New `clientId` for each sent message; defaults to {@linkcode newClientId}. */
  newId?: () => string;
  /** Source of the `online` event; defaults to `globalThis`. */
  events?: EventSourceLike;
  /** Whether the browser thinks it has a network; defaults to `navigator.onLine`. */
  isOnline?: () => boolean;
  /** Reconnect delays; defaults to 500 ms base, 15 s cap. */
  backoff?: BackoffOptions;
  /** How long to wait for `welcome` after opening a socket; defaults to 10 s. */
  connectTimeoutMs?: number;
}

/** The real clock and timers. */
export const systemClock: Clock = { ...systemTime, ...systemTimers };

/**
 * `localStorage`, looked up on every call so that merely creating a client (as server-side
 * rendering does) never touches it; reads fail soft to `null` where storage is blocked.
 */
export const browserStorage: StorageLike = {
  getItem: (key) => {
    try {
      return globalThis.localStorage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  setItem: (key, value) => globalThis.localStorage?.setItem(key, value),
  removeItem: (key) => globalThis.localStorage?.removeItem(key),
};
