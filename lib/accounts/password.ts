/**
 * Password hashing with PBKDF2-HMAC-SHA256 through WebCrypto (runs on Deno Deploy too).
 * The record keeps its parameters so the iteration count can be raised later: a login with
 * an older record is verified with that record's parameters and can then be rehashed.
 *
 * @module
 */
import { toBase64Url } from "../common/ids.ts";

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;

/** A stored password hash with the parameters that produced it. */
export interface PasswordHash {
  alg: "pbkdf2-sha256";
  iterations: number;
  /** base64url salt, 16 random bytes. */
  salt: string;
  /** base64url derived key, 32 bytes. */
  hash: string;
}

const encoder = new TextEncoder();

/** Hashes a password with a fresh random salt. */
export async function hashPassword(
  password: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return { alg: "pbkdf2-sha256", iterations, salt: toBase64Url(salt), hash: toBase64Url(hash) };
}

/** Checks a password against a stored hash in constant time with respect to the hash bytes. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const salt = fromBase64Url(stored.salt);
  const expected = fromBase64Url(stored.hash);
  const actual = await derive(password, salt, stored.iterations);
  if (actual.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < actual.length; i++) difference |= actual[i]! ^ expected[i]!;
  return difference === 0;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
