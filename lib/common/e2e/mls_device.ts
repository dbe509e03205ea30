/**
 * A device's MLS identity: a basic credential naming the user and the device, an Ed25519
 * signature key pair, and the one-time KeyPackages it publishes so others can add it to a
 * group. Browser-safe (loaded lazily by the browser, see `mls_suite.ts`).
 *
 * ts-mls takes the signature private key as bytes (PKCS #8) and imports it for every
 * signature, so it cannot be a non-extractable WebCrypto key: the browser stores it wrapped
 * instead (see docs/SECURITY.md).
 *
 * @module
 */
import {
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls";
import { base64ToBytes, bytesToBase64 } from "./mls_bytes.ts";
import { E2E_CIPHERSUITE, mlsSuite } from "./mls_suite.ts";

/** One device of one user, with its long-term signature key. */
export interface MlsDevice {
  userId: string;
  deviceId: string;
  /** Ed25519 key pair: `signKey` is PKCS #8 bytes, `publicKey` raw. */
  signature: { signKey: Uint8Array; publicKey: Uint8Array };
}

/** A KeyPackage with its private keys, kept by the device until a Welcome uses it. */
export interface HeldKeyPackage {
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
  /** The public package as sent to the server: an encoded MLS message, base64. */
  encoded: string;
}

const SEPARATOR = ":";

/** The credential identity of a device: `userId:deviceId` in UTF-8. */
export function deviceIdentity(userId: string, deviceId: string): string {
  return userId + SEPARATOR + deviceId;
}

/** Splits a credential identity into user and device ids; undefined when it has no `:`. */
export function parseDeviceIdentity(
  identity: string,
): { userId: string; deviceId: string } | undefined {
  const at = identity.lastIndexOf(SEPARATOR);
  if (at <= 0 || at === identity.length - 1) return undefined;
  return { userId: identity.slice(0, at), deviceId: identity.slice(at + 1) };
}

/** Creates a device with a fresh signature key pair. */
export async function createDevice(userId: string, deviceId: string): Promise<MlsDevice> {
  const suite = await mlsSuite();
  return { userId, deviceId, signature: await suite.signature.keygen() };
}

/** Generates one KeyPackage of `device`, signed by its key. */
export async function generateDeviceKeyPackage(device: MlsDevice): Promise<HeldKeyPackage> {
  const suite = await mlsSuite();
  const credential = {
    credentialType: "basic" as const,
    identity: new TextEncoder().encode(deviceIdentity(device.userId, device.deviceId)),
  };
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    [],
    device.signature,
    suite,
  );
  const bytes = encodeMlsMessage({
    keyPackage: publicPackage,
    wireformat: "mls_key_package",
    version: "mls10",
  });
  return { publicPackage, privatePackage, encoded: bytesToBase64(bytes) };
}

/**
 * Reads a KeyPackage as the server hands it out (base64 of an encoded MLS message), and the
 * identity its credential names. Undefined when it is not a KeyPackage of this app's suite
 * with a basic credential.
 */
export function decodeKeyPackage(
  encoded: string,
): { keyPackage: KeyPackage; identity: string } | undefined {
  const bytes = base64ToBytes(encoded);
  if (!bytes) return undefined;
  let decoded;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    return undefined;
  }
  if (!decoded || decoded[1] !== bytes.length) return undefined;
  const message = decoded[0];
  if (message.wireformat !== "mls_key_package") return undefined;
  const credential = message.keyPackage.leafNode.credential;
  if (credential.credentialType !== "basic") return undefined;
  if (message.keyPackage.cipherSuite !== E2E_CIPHERSUITE) {
    return undefined;
  }
  let identity: string;
  try {
    identity = new TextDecoder("utf-8", { fatal: true }).decode(credential.identity);
  } catch {
    return undefined;
  }
  return { keyPackage: message.keyPackage, identity };
}
