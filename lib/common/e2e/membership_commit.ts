/**
 * Makes the next commit a {@linkcode MembershipChange} calls for: removals first (a departed
 * member must not get the keys of a commit that adds someone), of users and then of devices
 * their user removed, then additions of at most
 * {@linkcode MAX_ADDS_PER_COMMIT} devices, claimed from the key directory. Browser-safe.
 *
 * @module
 */
import type { MembershipChange } from "./membership_plan.ts";
import { MAX_ADDS_PER_COMMIT, type MlsGroup, type StagedCommit } from "./mls_group.ts";

/** A KeyPackage as the directory hands it out. */
export interface ClaimedDevice {
  userId: string;
  deviceId: string;
  keyPackage: string;
}

/** Claims one KeyPackage of each of `devices` of `userId` (none when they have none left). */
export type ClaimDevices = (userId: string, devices: readonly string[]) => Promise<ClaimedDevice[]>;

/** The commit made (if any), and the devices asked for that had no KeyPackage left. */
export interface MembershipCommit {
  commit?: StagedCommit;
  noKeys: string[];
}

/**
 * The next commit of `change` for `group` (not staged or sent: the caller does both), claiming
 * KeyPackages with `claim`. No commit when nothing is to change or no device asked for had a
 * KeyPackage left.
 */
export async function membershipCommit(
  group: MlsGroup,
  change: MembershipChange,
  claim: ClaimDevices,
): Promise<MembershipCommit> {
  const leaving = change.remove[0];
  if (leaving !== undefined) return { commit: await group.removeUser(leaving), noKeys: [] };
  // Undefined when the only one is this device itself: it cannot remove itself, others will.
  const removal = await group.removeDevices(change.removeDevices);
  if (removal) return { commit: removal, noKeys: [] };
  const claimed: ClaimedDevice[] = [];
  const noKeys: string[] = [];
  for (const { userId, devices } of change.add) {
    const room = MAX_ADDS_PER_COMMIT - claimed.length;
    if (room <= 0) break;
    const asked = devices.slice(0, room);
    const got = await claim(userId, asked);
    claimed.push(...got);
    noKeys.push(...asked.filter((device) => !got.some((one) => one.deviceId === device)));
  }
  if (claimed.length === 0) return { noKeys };
  return { commit: await group.add(claimed), noKeys };
}
