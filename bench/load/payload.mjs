/**
 * The text of every benchmark message: `LOCAL NUMBER STEP SCHEDULED PAD`, where LOCAL is the
 * sender's index in its room, NUMBER counts the sender's messages (from 0, never reused),
 * STEP is the ladder step, and SCHEDULED the wall-clock time (`performance.now()` of the
 * generator, ms) the send was scheduled for. Deliveries are decoded straight from the
 * received bytes into {@linkcode decoded}, without building strings, to keep the generator's
 * cost per delivery well under the server's.
 *
 * @module
 */

const PAD = "x".repeat(48);
const SPACE = 0x20;
const DOT = 0x2e;
const ZERO = 0x30;

/** The fields of the last decoded payload (reused; read them before the next decode). */
export const decoded = { local: 0, number: 0, step: 0, scheduled: 0 };

/** The text of one message. */
export function encodePayload(local, number, step, scheduled) {
  return `${local} ${number} ${step} ${scheduled.toFixed(3)} ${PAD}`;
}

/**
 * Decodes the payload starting at byte `at` of `bytes` into {@linkcode decoded}.
 *
 * @param {Uint8Array} bytes
 * @param {number} at
 */
export function decodeBytes(bytes, at) {
  let i = at;
  let value = 0;
  while (bytes[i] !== SPACE) value = value * 10 + bytes[i++] - ZERO;
  decoded.local = value;
  value = 0;
  i++;
  while (bytes[i] !== SPACE) value = value * 10 + bytes[i++] - ZERO;
  decoded.number = value;
  value = 0;
  i++;
  while (bytes[i] !== SPACE) value = value * 10 + bytes[i++] - ZERO;
  decoded.step = value;
  value = 0;
  i++;
  while (bytes[i] !== DOT) value = value * 10 + bytes[i++] - ZERO;
  i++;
  let fraction = 0;
  let scale = 1;
  while (bytes[i] !== SPACE) {
    fraction = fraction * 10 + bytes[i++] - ZERO;
    scale *= 10;
  }
  decoded.scheduled = value + fraction / scale;
}

/** Decodes a payload given as a string into {@linkcode decoded}. */
export function decodeString(text) {
  const [local, number, step, scheduled] = text.split(" ", 4);
  decoded.local = Number(local);
  decoded.number = Number(number);
  decoded.step = Number(step);
  decoded.scheduled = Number(scheduled);
}
