/**
 * The one MLS ciphersuite this app uses, loaded once. Browser-safe, but it pulls in ts-mls
 * (66.5 KB gzipped), so the browser must reach it only through a lazy `import()`.
 *
 * X25519 + AES-128-GCM + SHA-256 + Ed25519 (suite 1) is the suite every MLS implementation must
 * support (RFC 9420, section 17.1) and needs no optional peer dependency of ts-mls.
 *
 * @module
 */
import { type CiphersuiteImpl, getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";

/** Name of the ciphersuite of every encrypted conversation. */
export const E2E_CIPHERSUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

let loaded: Promise<CiphersuiteImpl> | undefined;

/** The implementation of {@linkcode E2E_CIPHERSUITE}, created on first use. */
export function mlsSuite(): Promise<CiphersuiteImpl> {
  loaded ??= getCiphersuiteImpl(getCiphersuiteFromName(E2E_CIPHERSUITE));
  return loaded;
}
