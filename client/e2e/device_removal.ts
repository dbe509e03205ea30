/**
 * What "Remove keys" at logout does: this browser profile stops being a device of the user. The
 * server forgets the device and its unused KeyPackages first (so no one adds it to a group
 * again), then every E2E record of the user in IndexedDB goes (identity, KeyPackages, group
 * states, decrypted texts). Other users' devices on the same profile stay. Loaded only when a
 * logout is asked for.
 *
 * @module
 */
import { request } from "../rooms_api.ts";
import { DATABASE, KeyStore, type StoredDevice } from "./key_store.ts";

/**
 * True when this profile holds E2E keys of `userId`. Does not create the database when the
 * profile never had one (most users never open a secret chat).
 */
export async function hasDeviceKeys(userId: string): Promise<boolean> {
  const databases = await indexedDB.databases();
  if (!databases.some((database) => database.name === DATABASE)) return false;
  return await new KeyStore().get<StoredDevice>(`device/${userId}`) !== undefined;
}

/**
 * Tells the server to forget this profile's device of `userId` and its unused KeyPackages.
 * Throws (an `ApiRequestError`, e.g. offline) when that failed: then nothing changed, and the
 * user can try again or keep the keys.
 */
export async function forgetDeviceOnServer(userId: string): Promise<void> {
  const device = await new KeyStore().get<StoredDevice>(`device/${userId}`);
  if (!device) return;
  await request<void>("DELETE", `/api/e2e/devices/${encodeURIComponent(device.deviceId)}`);
}

/** Deletes every E2E record of `userId` on this profile (see `KeyStore.deleteUser`). */
export async function deleteDeviceKeys(userId: string): Promise<void> {
  await new KeyStore().deleteUser(userId);
}
