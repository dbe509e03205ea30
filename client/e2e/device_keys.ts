/**
 * This browser profile's MLS device for the signed-in user: created on first use, kept in
 * IndexedDB, with its one-time KeyPackages published to the server and refilled when few are
 * left. Part of the lazy E2E chunk.
 *
 * @module
 */
import {
  createDevice,
  decodeKeyPackage,
  generateDeviceKeyPackage,
  type HeldKeyPackage,
  type MlsDevice,
} from "../../lib/common/e2e/mls_device.ts";
import { request } from "../rooms_api.ts";
import type { KeyStore, StoredDevice, StoredKeyPackage } from "./key_store.ts";

/**
 * Refill below this many unused KeyPackages on the server, up to {@linkcode KEY_PACKAGE_TARGET}
 * (the server keeps at most 10 per device): each new conversation with this device uses one.
 */
const KEY_PACKAGE_LOW = 3;
/** How many unused KeyPackages a refill leaves on the server. */
const KEY_PACKAGE_TARGET = 6;

/** The device with the private parts of its published KeyPackages. */
export class DeviceKeys {
  readonly device: MlsDevice;
  readonly #store: KeyStore;
  #held: HeldKeyPackage[];
  #refilling: Promise<void> | undefined;

  private constructor(store: KeyStore, device: MlsDevice, held: HeldKeyPackage[]) {
    this.#store = store;
    this.device = device;
    this.#held = held;
  }

  /** The device of `userId` on this browser profile, created (and saved) if it has none. */
  static async open(store: KeyStore, userId: string): Promise<DeviceKeys> {
    let stored = await store.get<StoredDevice>(`device/${userId}`);
    if (!stored) {
      const deviceId = crypto.randomUUID().replaceAll("-", "");
      const created = await createDevice(userId, deviceId);
      stored = { deviceId, ...created.signature };
      await store.put(`device/${userId}`, stored);
    }
    const held = (await store.get<StoredKeyPackage[]>(`held/${userId}`) ?? []).flatMap((kept) => {
      const decoded = decodeKeyPackage(kept.encoded);
      return decoded
        ? [{
          encoded: kept.encoded,
          publicPackage: decoded.keyPackage,
          privatePackage: kept.privatePackage,
        }]
        : [];
    });
    const device: MlsDevice = {
      userId,
      deviceId: stored.deviceId,
      signature: { signKey: stored.signKey, publicKey: stored.publicKey },
    };
    return new DeviceKeys(store, device, held);
  }

  /** Unused KeyPackages of this device (a Welcome is made for one of them). */
  get held(): readonly HeldKeyPackage[] {
    return this.#held;
  }

  /**
   * A fresh KeyPackage for a group this device starts itself: never a published one, which
   * someone else may claim too.
   */
  async fresh(): Promise<HeldKeyPackage> {
    return await generateDeviceKeyPackage(this.device);
  }

  /** Forgets a KeyPackage a Welcome used (one-time: it must not serve twice). */
  async used(used: HeldKeyPackage): Promise<void> {
    this.#held = this.#held.filter((held) => held !== used);
    await this.#save();
  }

  /**
   * Tops the server's unused KeyPackages of this device up to {@linkcode KEY_PACKAGE_TARGET}
   * when fewer than {@linkcode KEY_PACKAGE_LOW} are left. The private parts are saved before
   * the upload, so a Welcome made for any uploaded package can be read.
   */
  refill(): Promise<void> {
    // One at a time: two at once would both top up, and the second goes over the server's cap.
    this.#refilling ??= this.#refill().finally(() => this.#refilling = undefined);
    return this.#refilling;
  }

  /** Resolves once no refill is under way (its private parts saved, its upload answered). */
  async idle(): Promise<void> {
    await this.#refilling?.catch(() => {});
  }

  async #refill(): Promise<void> {
    const path = `/api/e2e/devices/${this.device.deviceId}/key_packages`;
    const { count } = await request<{ count: number }>("GET", path);
    if (count >= KEY_PACKAGE_LOW) return;
    const fresh = await Promise.all(
      Array.from(
        { length: KEY_PACKAGE_TARGET - count },
        () => generateDeviceKeyPackage(this.device),
      ),
    );
    this.#held = [...this.#held, ...fresh];
    await this.#save();
    await request("PUT", path, { keyPackages: fresh.map((held) => held.encoded) });
  }

  async #save(): Promise<void> {
    const kept: StoredKeyPackage[] = this.#held.map(({ encoded, privatePackage }) => ({
      encoded,
      privatePackage,
    }));
    await this.#store.put(`held/${this.device.userId}`, kept);
  }
}
