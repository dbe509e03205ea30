/**
 * A device's request to be added to an encrypted room's MLS group: a new device of a member
 * (its user's group exists, no commit has added it yet), or a member's device that fell behind
 * the group (it missed a commit) and must be added again. The request is relayed at once to
 * the room's members as a live `e2e_add_request` notice, so their devices check the group
 * against the key directory now instead of at their next periodic check; nothing is stored (a
 * device still waiting asks again, see `client/e2e/room_reader.ts`).
 *
 * @module
 */
import type { Notify } from "../social/friends.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import { keys } from "../kv/kv_keys.ts";
import type { WindowCounter } from "../limits/window_counter.ts";
import type { KeyPackages } from "./key_packages.ts";

/**
 * Requests per user per hour: a waiting device asks once when it opens the room and then at
 * most once a minute (`ADD_REQUEST_RETRY_MS` in the room reader), so this allows two rooms
 * waiting for a whole hour; past it the device waits for the members' periodic check.
 */
export const ADD_REQUESTS_PER_HOUR = 120;

/** Relays add requests of devices to the members of their encrypted rooms. */
export class AddRequests {
  #keyPackages: KeyPackages;
  #windows: WindowCounter;
  #notify: Notify;

  /** Lists devices with `keyPackages`, counts requests in `windows`, tells users with `notify`. */
  constructor(keyPackages: KeyPackages, windows: WindowCounter, notify: Notify) {
    this.#keyPackages = keyPackages;
    this.#windows = windows;
    this.#notify = notify;
  }

  /**
   * Asks the members of room `roomId` (the caller's other devices too) to add device
   * `deviceId` of `callerId`, or with `stale.leaf` (the key of its leaf in the group, which it
   * can no longer follow) to add it again: a member re-adds it only while its leaf still has
   * that key, so a request repeated after the re-add changes nothing. `stale.epoch` is the
   * group's epoch as far as the device read the log: a member whose group is at that epoch and
   * holds a leaf for the device re-adds it (see `staleLeaf` in `membership_plan.ts`). Refused
   * when the caller is not a member, when the device is not one of the caller's with keys (no
   * one could add it), and over {@linkcode ADD_REQUESTS_PER_HOUR}.
   */
  async ask(
    callerId: string,
    roomId: string,
    deviceId: string,
    stale: { leaf?: string; epoch?: number } = {},
  ): Promise<Outcome<{ told: number }>> {
    const members = await this.#keyPackages.roomDevices(callerId, roomId);
    if (!members) return refusal(404, "refusal.noSuchRoom");
    const own = members.find((member) => member.userId === callerId);
    if (!own?.devices.includes(deviceId)) return refusal(400, "refusal.badDeviceId");
    const key = keys.e2eAddAsks(callerId);
    const wait = await this.#windows.blockedFor(key, ADD_REQUESTS_PER_HOUR);
    if (wait > 0) return { ...refusal(429, "refusal.keyRequestsTooFast"), retryAfterSeconds: wait };
    await this.#windows.add(key, callerId);
    const users = members.map((member) => member.userId);
    this.#notify(users, {
      kind: "e2e_add_request",
      roomId,
      userId: callerId,
      deviceId,
      ...(stale.leaf ? { leaf: stale.leaf } : {}),
      ...(stale.epoch !== undefined ? { epoch: stale.epoch } : {}),
    });
    return { ok: true, told: users.length };
  }
}
