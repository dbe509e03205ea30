/**
 * Broker events as JSON texts that fit a size limit, for brokers whose medium bounds one
 * message (a Deno KV value holds at most 64 KiB).
 *
 * @module
 */
import type { BrokerEvent } from "./broker.ts";

/** One event as JSON, with its size in UTF-8 bytes. */
export interface EventText {
  text: string;
  bytes: number;
}

const encoder = new TextEncoder();

/**
 * `event` as JSON texts of at most `maxBytes` each: one text when it fits; a `messages` event
 * that does not is split into events of fewer messages, in order. An event that still does not
 * fit (one message larger than the limit, which the protocol's limits rule out) is dropped with
 * a log line, and the hub reads its messages from the store.
 *
 * JSON escapes lone surrogates, so the texts survive UTF-8 encoding unchanged.
 */
export function eventTexts(event: BrokerEvent, maxBytes: number): EventText[] {
  const text = JSON.stringify(event);
  const bytes = encoder.encode(text).length;
  if (bytes <= maxBytes) return [{ text, bytes }];
  if (event.kind === "messages" && event.messages.length > 1) {
    const half = Math.ceil(event.messages.length / 2);
    return [
      ...eventTexts({ ...event, messages: event.messages.slice(0, half) }, maxBytes),
      ...eventTexts({ ...event, messages: event.messages.slice(half) }, maxBytes),
    ];
  }
  console.error(`broker: dropped a "${event.kind}" event of ${bytes} bytes (limit ${maxBytes})`);
  return [];
}
