/**
 * The safety number of this device's user with one contact, as this device checks it: from the
 * keys of an encrypted room's MLS group and of the key directory ({@linkcode contactKeys}),
 * against what this device saw first or the user verified (`trust/<user>/<contact>` in
 * IndexedDB, one record per contact whichever room it is checked in). {@linkcode
 * PairVerification} publishes a secret chat's state in the page's {@linkcode E2eView}:
 * `changed` shows the conversation's warning line and drops the verified mark. Part of the
 * lazy E2E chunk.
 *
 * Trust on first use, as Signal: the first keys seen are kept as unverified; a later change is
 * shown until the user marks the new number verified or clears (acknowledges) it. Keys seen
 * before the contact had any device with keys are not a first use of theirs: their first
 * device's keys replace them ({@linkcode firstSeen}).
 *
 * @module
 */
import type { MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import type { SafetyNumber } from "../../lib/common/e2e/safety_number.ts";
import type { E2eDeviceTrust, E2eVerification, E2eView } from "../e2e_view.ts";
import { request } from "../rooms_api.ts";
import {
  contactKeys,
  deviceStates,
  firstSeen,
  keyText,
  type ListedDevice,
  numberOf,
  pairLeaves,
  type SeenKey,
  trustState,
} from "./contact_keys.ts";
import type { KeyStore, StoredTrust } from "./key_store.ts";

/**
 * What one check of a contact found: the number's state and the contact's devices. The number
 * itself ({@linkcode ContactVerification.number}) is computed only when it is shown: it costs
 * 5,200 rounds of SHA-512 per user, too much to spend on every member of a group at each check.
 */
export interface ContactCheck {
  state: E2eVerification["state"];
  devices: E2eDeviceTrust[];
}

/** Who is checked where: this device's user `me`, the contact `peer`, in room `roomId`. */
export interface ContactParts {
  store: KeyStore;
  me: string;
  peer: string;
  roomId: string;
  /**
   * In a group, only the leaves of the two users count (the others are other members); in a
   * secret chat every leaf does, so a device naming a third user changes the number.
   */
  pairOnly?: boolean;
}

/** Checks and marks the safety number of `me` with `peer`. */
export class ContactVerification {
  readonly #parts: ContactParts;
  /** The keys of the last check, which the user was shown. */
  #keys: SeenKey[] | undefined;

  constructor(parts: ContactParts) {
    this.#parts = parts;
  }

  get #trustKey(): string {
    return `trust/${this.#parts.me}/${this.#parts.peer}`;
  }

  /**
   * Combines `group`'s members with both users' devices in `directory` (read from the key
   * directory when not given; throws when it cannot be read), keeps the keys as first seen
   * when there is no record yet, and returns what they mean.
   */
  async check(
    group: MlsGroup,
    directory?: ReadonlyMap<string, readonly ListedDevice[]>,
  ): Promise<ContactCheck> {
    const { me, peer, roomId, store, pairOnly } = this.#parts;
    const listed = directory ?? await readDevices([me, peer], roomId);
    const leaves = pairOnly ? pairLeaves(group.memberKeys, me, peer) : group.memberKeys;
    const pair = new Map([me, peer].map((user) => [user, listed.get(user) ?? []]));
    this.#keys = contactKeys(leaves, pair);
    let trust = await store.get<StoredTrust>(this.#trustKey);
    const first = firstSeen(trust, this.#keys, peer);
    if (first) {
      trust = first;
      await store.put(this.#trustKey, trust);
    }
    return this.#result(trust!);
  }

  /**
   * Marks the keys of the last {@linkcode check} (the number the user was shown) verified, or
   * clears that; either way they become the keys a later change is measured against.
   */
  async setVerified(verified: boolean): Promise<ContactCheck> {
    if (!this.#keys) throw new Error("the safety number has not been computed yet");
    const trust: StoredTrust = { keys: this.#keys.map(keyText), verified };
    await this.#parts.store.put(this.#trustKey, trust);
    return this.#result(trust);
  }

  /** The safety number over the keys of the last {@linkcode check}. */
  number(): SafetyNumber {
    if (!this.#keys) throw new Error("the safety number has not been computed yet");
    return numberOf(this.#parts.me, this.#parts.peer, this.#keys);
  }

  #result(trust: StoredTrust): ContactCheck {
    const keys = this.#keys!;
    return {
      state: trustState(trust, keys.map(keyText)),
      devices: deviceStates(trust, keys, this.#parts.peer),
    };
  }
}

/** Each user's devices with their keys, as `GET /api/e2e/users/:user/devices` lists them. */
async function readDevices(
  users: readonly string[],
  roomId: string,
): Promise<Map<string, ListedDevice[]>> {
  const directory = new Map<string, ListedDevice[]>();
  for (const userId of users) {
    const { devices } = await request<{ devices: ListedDevice[] }>(
      "GET",
      `/api/e2e/users/${encodeURIComponent(userId)}/devices?room=${encodeURIComponent(roomId)}`,
    );
    directory.set(userId, devices);
  }
  return directory;
}

/** How a room's safety numbers are checked and marked: a secret chat's one, a group's each. */
export interface RoomVerification {
  /** Checks again against `group` and publishes the state in the page's view. */
  check(group: MlsGroup): Promise<void>;
  /** Checks again and returns the number (with `peer`, in a group). */
  safetyNumber(group: MlsGroup, peer?: string): Promise<SafetyNumber>;
  /** Marks the number last shown (of `peer`, in a group) verified, or clears that. */
  setVerified(verified: boolean, peer?: string): Promise<void>;
}

/** The safety number of a two-person secret chat, published as the room's `verification`. */
export class PairVerification implements RoomVerification {
  readonly #contact: ContactVerification;
  readonly #parts: { peer: string; roomId: string; view: E2eView };

  constructor(parts: Omit<ContactParts, "pairOnly"> & { view: E2eView }) {
    this.#contact = new ContactVerification(parts);
    this.#parts = parts;
  }

  async check(group: MlsGroup): Promise<void> {
    this.#publish((await this.#contact.check(group)).state);
  }

  async safetyNumber(group: MlsGroup): Promise<SafetyNumber> {
    this.#publish((await this.#contact.check(group)).state);
    return this.#contact.number();
  }

  async setVerified(verified: boolean): Promise<void> {
    this.#publish((await this.#contact.setVerified(verified)).state);
  }

  #publish(state: E2eVerification["state"]): void {
    const { peer, roomId, view } = this.#parts;
    view.set(roomId, { ...view.room(roomId), verification: { peer, state } });
  }
}
