/** Returns a random, URL-safe identifier: 128 bits as 22 base64url characters. */
export function newId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The options of `Uint8Array.prototype.toBase64` for base64url without padding. */
const BASE64URL = { alphabet: "base64url", omitPadding: true } as const;

/**
 * Encodes bytes as base64url without padding. Uses `Uint8Array.prototype.toBase64` where the
 * runtime has it (Deno 2.9, current browsers): every socket, message and session id is made
 * here, and the fallback built a string per byte (1.4 KiB allocated per socket id in a connect
 * storm, BENCHMARKS.md "round five"); older browsers take the fallback.
 */
export function toBase64Url(bytes: Uint8Array): string {
  if (typeof bytes.toBase64 === "function") return bytes.toBase64(BASE64URL);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The two lowercase hex digits of each byte value. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Encodes bytes as lowercase hex (a session lookup does this on every request). */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += HEX_PAIRS[byte];
  return hex;
}
