/**
 * The safety number of one two-person secret chat, as this device checks it: from the keys of
 * the room's MLS group and of the key directory ({@linkcode contactKeys}), against what this
 * device saw first or the user verified (`trust/<user>/<contact>` in IndexedDB). It publishes
 * the state in the page's {@linkcode E2eView}: `changed` shows the conversation's warning line
 * and drops the verified mark. Part of the lazy E2E chunk.
 *
 * Trust on first use, as Signal: the first keys seen are kept as unverified; a later change is
 * shown until the user marks the new number verified or clears (acknowledges) it.
 *
 * @module
 */
import type { MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import type { SafetyNumber } from "../../lib/common/e2e/safety_number.ts";
import type { E2eView } from "../e2e_view.ts";
import { request } from "../rooms_api.ts";
import { contactKeys, keyText, type ListedDevice, numberOf, trustState } from "./contact_keys.ts";
import type { KeyStore, StoredTrust } from "./key_store.ts";

/** Checks and marks the safety number of this device's user with `peer` in room `roomId`. */
export class ContactVerification {
  readonly #parts: { store: KeyStore; me: string; peer: string; roomId: string; view: E2eView };
  /** The keys of the last check, as the trust record keeps them. */
  #keys: string[] | undefined;

  constructor(parts: { store: KeyStore; me: string; peer: string; roomId: string; view: E2eView }) {
    this.#parts = parts;
  }

  get #trustKey(): string {
    return `trust/${this.#parts.me}/${this.#parts.peer}`;
  }

  /**
   * Reads both users' devices from the directory, combines them with `group`'s members,
   * publishes the state, and returns the number. Throws when the directory cannot be read.
   */
  async check(group: MlsGroup): Promise<SafetyNumber> {
    const { me, peer, roomId, store, view } = this.#parts;
    const directory = new Map<string, ListedDevice[]>();
    for (const userId of [me, peer]) {
      const { devices } = await request<{ devices: ListedDevice[] }>(
        "GET",
        `/api/e2e/users/${encodeURIComponent(userId)}/devices?room=${encodeURIComponent(roomId)}`,
      );
      directory.set(userId, devices);
    }
    const keys = contactKeys(group.memberKeys, directory);
    this.#keys = keys.map(keyText);
    let trust = await store.get<StoredTrust>(this.#trustKey);
    if (!trust) {
      trust = { keys: this.#keys, verified: false };
      await store.put(this.#trustKey, trust);
    }
    const state = trustState(trust, this.#keys);
    view.set(roomId, { ...view.room(roomId), verification: { peer, state } });
    return numberOf(me, peer, keys);
  }

  /**
   * Marks the keys of the last {@linkcode check} (the number the user was shown) verified, or
   * clears that; either way they become the keys a later change is measured against.
   */
  async setVerified(verified: boolean): Promise<void> {
    const { peer, roomId, store, view } = this.#parts;
    if (!this.#keys) throw new Error("the safety number has not been computed yet");
    await store.put(this.#trustKey, { keys: this.#keys, verified } satisfies StoredTrust);
    const state = verified ? "verified" : "unverified";
    view.set(roomId, { ...view.room(roomId), verification: { peer, state } });
  }
}
