/**
 * The form of a send's `clientId` that starts with its time: `t`, the client's clock in
 * milliseconds as 9 base-36 digits, `_`, then random characters (`newClientId` in
 * `client/new_client_id.ts` makes them). The protocol accepts any `clientId` of
 * `[A-Za-z0-9_-]{8,64}`; this form only decides where the server files the send's idempotency
 * record (`keys.messageByClientId`): records of timed clientIds sort by time, so the records a
 * commit adds land together at the end of their range instead of on a page of their room each
 * (about 60 µs of Deno KV's SQLite time a send less, BENCHMARKS.md "Small rooms, round five").
 * The time is the client's and may be wrong: it places the record and nothing else. The
 * server's own messages (system messages, the deletes of an account deletion or a moderator)
 * take this form too ({@linkcode serverClientId}).
 *
 * @module
 */
import { newId } from "./ids.ts";

/** A clientId of the timed form (what {@linkcode timedClientId} makes). */
const TIMED = /^t[0-9a-z]{9}_/;

/**
 * A clientId of the timed form: `now` (whole ms since the epoch) as 9 base-36 digits after `t`,
 * then `_` and `random` (characters of `[A-Za-z0-9_-]`, at most 53, so the whole is a valid
 * `clientId`).
 */
export function timedClientId(now: number, random: string): string {
  return `t${now.toString(36).padStart(9, "0")}_${random}`;
}

/** Whether `clientId` is of the timed form (its record is filed by time). */
export function isTimedClientId(clientId: string): boolean {
  return TIMED.test(clientId);
}

/**
 * A fresh clientId of the timed form for a message the server writes itself (a system message,
 * a delete on someone's behalf), which no one retries: `now` then 128 random bits, 33
 * characters. A server id that must come out the same on a retry is derived, not made here.
 */
export function serverClientId(now: number = Date.now()): string {
  return timedClientId(now, newId());
}
