/**
 * Fixtures for the room services' unit tests: a room with members and admins on the services
 * of {@linkcode withKvServices}, the member list as its owner sees it, and the refusals the
 * services give, spelled out as the API sends them.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PublicUser } from "../../lib/common/api_types.ts";
import type { KvServices } from "./kv_services.ts";

/** The refusals the room services give, as `assertRefused` takes them. */
export const NO_SUCH_ROOM = [404, "No such room"] as const;
export const FORBIDDEN = [403, "You are not allowed to do that in this room"] as const;
export const NO_SUCH_MEMBER = [404, "No such member"] as const;
export const FRIENDS_ONLY = [
  403,
  "You can only invite your friends (who are not banned from this room)",
] as const;

/** A public room of `owner` that every one of `members` joined; `admins` are promoted. */
export async function roomOf(
  { rooms, memberModeration }: KvServices,
  owner: PublicUser,
  members: PublicUser[],
  admins: PublicUser[] = [],
): Promise<string> {
  const created = await rooms.create(owner.id, "general");
  assert.ok(created.ok);
  const room = created.room.id;
  for (const member of [...members, ...admins]) assert.ok((await rooms.join(member.id, room)).ok);
  for (const admin of admins) {
    assert.deepEqual(await memberModeration.act(owner.id, room, admin.id, "promote"), { ok: true });
  }
  return room;
}

/** Member name → "role[+muted]", as the owner's member list shows it. */
export async function roster({ roomDetails }: KvServices, viewer: PublicUser, room: string) {
  const details = await roomDetails.details(room, viewer.id);
  assert.ok(details);
  return Object.fromEntries(
    details.members.map((m) => [m.user.name, m.role + (m.muted ? "+muted" : "")]),
  );
}
