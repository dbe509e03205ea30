/**
 * The safety numbers of an encrypted group, one per other member, as this device checks them:
 * each is the number of this device's user with that member over the two users' leaves of the
 * group and their devices in the key directory, so it is the same number (and the same mark,
 * `trust/<user>/<member>`) as in a secret chat of the two. Published as the room's `members` in
 * the page's {@linkcode E2eView}: a member whose devices changed since they were first seen or
 * verified is `changed`, and the conversation shows the warning. Part of the lazy E2E chunk.
 *
 * One directory read per check (`GET /api/e2e/rooms/:room/devices` lists every member's device
 * keys), whatever the group's size.
 *
 * @module
 */
import type { MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import { parseDeviceIdentity } from "../../lib/common/e2e/mls_device.ts";
import type { SafetyNumber } from "../../lib/common/e2e/safety_number.ts";
import type { E2eMemberTrust, E2eView } from "../e2e_view.ts";
import { request } from "../rooms_api.ts";
import type { ListedDevice } from "./contact_keys.ts";
import type { KeyStore } from "./key_store.ts";
import { ContactVerification, type RoomVerification } from "./verification.ts";

/** A room member as `GET /api/e2e/rooms/:room/devices` lists them. */
interface ListedMember {
  userId: string;
  keys: ListedDevice[];
}

/** Checks and marks the safety number of this device's user with each member of a group. */
export class GroupVerification implements RoomVerification {
  readonly #parts: { store: KeyStore; me: string; roomId: string; view: E2eView };
  readonly #contacts = new Map<string, ContactVerification>();
  #members: E2eMemberTrust[] = [];

  constructor(parts: { store: KeyStore; me: string; roomId: string; view: E2eView }) {
    this.#parts = parts;
  }

  /**
   * Checks every member of the room and of the group but this device's user: the room's
   * members from the directory, and anyone else a leaf of the group names (a device the room
   * does not list is shown, not hidden). Throws when the directory cannot be read.
   */
  async check(group: MlsGroup): Promise<void> {
    const { me, roomId } = this.#parts;
    const path = `/api/e2e/rooms/${encodeURIComponent(roomId)}/devices`;
    const { members } = await request<{ members: ListedMember[] }>("GET", path);
    const directory = new Map(members.map((member) => [member.userId, member.keys ?? []]));
    // A member with no device yet (never opened an encrypted conversation) has no number.
    const peers = new Set([...directory].flatMap(([userId, keys]) => keys.length ? [userId] : []));
    for (const identity of group.members) {
      const userId = parseDeviceIdentity(identity)?.userId;
      if (userId !== undefined) peers.add(userId);
    }
    peers.delete(me);
    const checked: E2eMemberTrust[] = [];
    for (const peer of [...peers].sort()) {
      const found = await this.#contact(peer).check(group, directory);
      checked.push({ peer, state: found.state, devices: found.devices });
    }
    this.#members = checked;
    this.#publish();
  }

  async safetyNumber(group: MlsGroup, peer?: string): Promise<SafetyNumber> {
    const contact = this.#contact(needPeer(peer));
    const found = await contact.check(group);
    this.#update({ peer: peer!, state: found.state, devices: found.devices });
    return contact.number();
  }

  async setVerified(verified: boolean, peer?: string): Promise<void> {
    const found = await this.#contact(needPeer(peer)).setVerified(verified);
    this.#update({ peer: peer!, state: found.state, devices: found.devices });
  }

  #contact(peer: string): ContactVerification {
    let contact = this.#contacts.get(peer);
    if (!contact) {
      const { store, me, roomId } = this.#parts;
      contact = new ContactVerification({ store, me, peer, roomId, pairOnly: true });
      this.#contacts.set(peer, contact);
    }
    return contact;
  }

  #update(member: E2eMemberTrust): void {
    const others = this.#members.filter((known) => known.peer !== member.peer);
    this.#members = [...others, member].sort((a, b) => a.peer < b.peer ? -1 : 1);
    this.#publish();
  }

  #publish(): void {
    const { roomId, view } = this.#parts;
    view.set(roomId, { ...view.room(roomId), members: this.#members });
  }
}

function needPeer(peer: string | undefined): string {
  if (peer === undefined) throw new Error("a group's safety number is with one of its members");
  return peer;
}
