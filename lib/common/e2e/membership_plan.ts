/**
 * How an encrypted room's MLS group follows the room's membership: which users' devices a
 * commit must remove (they left, were kicked or banned), which devices (removed from the
 * directory by their user), and which devices it must add (a new member, or a member's new
 * device), and which member device makes that commit first.
 * Browser-safe, no I/O: the browser's room reader and the tests' devices both plan with it.
 *
 * Who commits: every member device sees the same group and the same directory, so each ranks
 * itself the same way ({@linkcode committerRank}) and waits its rank times a step before
 * committing: the first ranked device commits at once, the others only if it did not (it is
 * offline). When two commit anyway, the room's seq order settles it (see `mls_group.ts`): the
 * loser's commit is skipped as stale, and its device plans again on the new epoch.
 *
 * @module
 */
import { deviceIdentity, parseDeviceIdentity } from "./mls_device.ts";

/** A room member and the ids of their devices with keys, as the key directory lists them. */
export interface MemberDevices {
  userId: string;
  devices: readonly string[];
}

/** What the group lacks to match the room: one of the three is done per commit, in this order. */
export interface MembershipChange {
  /** Users with a device in the group who are no longer members of the room. */
  remove: string[];
  /**
   * Devices (`userId:deviceId`) in the group of users still in the room that the directory no
   * longer lists: removed by their user (`DELETE /api/e2e/devices/:device`, "Remove keys" at
   * logout), so they leave every group, and the contacts' safety numbers stop covering them.
   */
  removeDevices: string[];
  /** Devices of members that have keys and are not in the group, by user. */
  add: { userId: string; devices: string[] }[];
}

/**
 * Compares the group's members (device identities `userId:deviceId`) with the room's members
 * and their devices. `skip` lists device ids not to add now (they had no KeyPackage left);
 * `rejoin` lists device identities in the group to add again (they fell behind and asked).
 */
export function planMembership(
  groupMembers: readonly string[],
  room: readonly MemberDevices[],
  skip: ReadonlySet<string> = new Set(),
  rejoin: ReadonlySet<string> = new Set(),
): MembershipChange {
  const inGroup = new Map<string, Set<string>>();
  for (const identity of groupMembers) {
    const parsed = parseDeviceIdentity(identity);
    if (!parsed) continue;
    const devices = inGroup.get(parsed.userId) ?? new Set<string>();
    devices.add(parsed.deviceId);
    inGroup.set(parsed.userId, devices);
  }
  const listed = new Map(room.map((member) => [member.userId, new Set(member.devices)]));
  const remove = [...inGroup.keys()].filter((userId) => !listed.has(userId));
  const removeDevices = [...inGroup].flatMap(([userId, devices]) =>
    [...devices].filter((device) => listed.get(userId)?.has(device) === false)
      .map((device) => `${userId}:${device}`)
  );
  const add = room.flatMap(({ userId, devices }) => {
    const missing = devices.filter((device) =>
      (!inGroup.get(userId)?.has(device) || rejoin.has(deviceIdentity(userId, device))) &&
      !skip.has(device)
    );
    return missing.length > 0 ? [{ userId, devices: missing }] : [];
  });
  return { remove, removeDevices, add };
}

/** Whether the group already matches the room. */
export function isSettled(change: MembershipChange): boolean {
  return change.remove.length === 0 && change.removeDevices.length === 0 &&
    change.add.length === 0;
}

/**
 * This device's place among the group's devices that may make the commit `change` needs:
 * 0 commits at once. Devices of a user gaining a device come first (a user's own device adds
 * their new one; other members only when none of theirs does), then the others in leaf order.
 * Devices being removed, alone or with their user, never commit (MLS forbids a member removing
 * itself by commit), nor do devices being added again (they cannot read the group). Undefined
 * when `self` may not commit.
 */
export function committerRank(
  groupMembers: readonly string[],
  self: string,
  change: MembershipChange,
): number | undefined {
  const removed = new Set(change.remove);
  const removedDevices = new Set(change.removeDevices);
  const gaining = new Set(change.add.map((entry) => entry.userId));
  const userOf = (identity: string) => parseDeviceIdentity(identity)?.userId ?? "";
  const adding = new Set(
    change.add.flatMap(({ userId, devices }) => devices.map((id) => deviceIdentity(userId, id))),
  );
  const eligible = groupMembers.filter((identity) =>
    !removed.has(userOf(identity)) && !removedDevices.has(identity) && !adding.has(identity)
  );
  const ranked = [
    ...eligible.filter((identity) => gaining.has(userOf(identity))),
    ...eligible.filter((identity) => !gaining.has(userOf(identity))),
  ];
  const rank = ranked.indexOf(self);
  return rank < 0 ? undefined : rank;
}

/**
 * A device's request to be added to a group (`e2e_add_request`): `leaf`, the key of its leaf
 * that it can no longer follow (it fell behind); `epoch`, the epoch of the group as far as the
 * device has read the room's log, when it is not in the group there.
 */
export interface AddAsk {
  leaf?: string;
  epoch?: bigint;
}

/**
 * The key of the leaf a member device should replace for the device that sent `ask` (it is in
 * the group, but the device cannot use it), or undefined when the request calls for no re-add.
 * `groupEpoch` and `leafKey` (the device's leaf key, undefined when it has none) are the member
 * device's own view.
 *
 * A named `leaf` that is still the device's: it fell behind. An `epoch` equal to the group's
 * while the group holds a leaf for the device: the device read every commit up to now and is
 * still not in, so the Welcome that added it was of no use to it (it could not read it); the
 * leaf is dead weight. Both are met once the leaf is replaced (its key changes) or the group
 * moves on (another epoch): a request repeated or delivered late then changes nothing, and a
 * device still waiting after a later commit asks with that epoch.
 */
export function staleLeaf(
  groupEpoch: bigint,
  leafKey: string | undefined,
  ask: AddAsk,
): string | undefined {
  if (leafKey === undefined) return undefined;
  if (ask.leaf === leafKey) return leafKey;
  return ask.epoch === groupEpoch ? leafKey : undefined;
}
