/**
 * The entries of the KV broker (`broker_kv.ts`): a node's events as one JSON document,
 * `{"node": id, "events": [...]}`, stored as UTF-8 bytes under the 64 KiB limit of a Deno KV
 * value. JSON escapes lone surrogates, so every string survives the UTF-8 encoding unchanged.
 *
 * @module
 */
import type { BrokerEvent } from "./broker.ts";

/** Largest entry written, in bytes: under the 64 KiB limit of a KV value. */
export const MAX_ENTRY_BYTES = 60_000;
/** Largest event in an entry: the entry's own fields take the rest. */
const MAX_EVENT_BYTES = MAX_ENTRY_BYTES - 100;

/** One event as JSON, with its size in UTF-8 bytes. */
export interface EventText {
  text: string;
  bytes: number;
}

/** What one entry holds. */
export interface Entry {
  /** The publishing node. */
  node: string;
  events: BrokerEvent[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `event` as JSON texts that each fit an entry: one text when it fits; a `messages` event that
 * does not is split into events of fewer messages, in order. An event that still does not fit
 * (one message larger than an entry, which the protocol's limits rule out) is dropped with a
 * log line, and the hub reads its messages from the store.
 */
export function eventTexts(event: BrokerEvent, maxBytes = MAX_EVENT_BYTES): EventText[] {
  const text = JSON.stringify(event);
  const bytes = encoder.encode(text).length;
  if (bytes <= maxBytes) return [{ text, bytes }];
  if (event.kind === "messages" && event.messages.length > 1) {
    const half = Math.ceil(event.messages.length / 2);
    // The members told of the room's activity go with the first half only: once is enough.
    const { activityFor: _told, ...rest } = event;
    return [
      ...eventTexts({ ...event, messages: event.messages.slice(0, half) }, maxBytes),
      ...eventTexts({ ...rest, messages: event.messages.slice(half) }, maxBytes),
    ];
  }
  console.error(`kv broker: dropped a "${event.kind}" event of ${bytes} bytes (limit ${maxBytes})`);
  return [];
}

/**
 * Takes events from the front of `pending`, in order, into at most `maxEntries` entries of
 * node `node`, each as full as {@linkcode MAX_ENTRY_BYTES} allows.
 */
export function takeEntries(pending: EventText[], node: string, maxEntries: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  const prefix = `{"node":${JSON.stringify(node)},"events":[`;
  let taken = 0;
  while (taken < pending.length && entries.length < maxEntries) {
    const texts: string[] = [];
    let size = prefix.length + 2;
    for (; taken < pending.length; taken++) {
      const next = pending[taken]!;
      if (texts.length > 0 && size + next.bytes + 1 > MAX_ENTRY_BYTES) break;
      texts.push(next.text);
      size += next.bytes + 1;
    }
    entries.push(encoder.encode(`${prefix}${texts.join(",")}]}`));
  }
  pending.splice(0, taken);
  return entries;
}

/** Reads an entry; only brokers write them, so a bad one is a bug to log, not to stop on. */
export function parseEntry(bytes: Uint8Array): Entry {
  try {
    return JSON.parse(decoder.decode(bytes)) as Entry;
  } catch (error) {
    console.error(`kv broker: skipped an unreadable entry: ${error}`);
    return { node: "", events: [] };
  }
}
