/**
 * Invite links to group rooms: a random 128-bit token, an expiry and a use limit, created,
 * listed and revoked by the room's owner and admins. The link is stored under its token and
 * again under its room (for listing), both with a KV expiry at the link's own expiry; a use
 * or a revoke changes both in one commit checked against what it read, so a link is never
 * used more often than its limit, even by simultaneous joins.
 *
 * A link that is expired, used up, revoked or unknown, or used by someone banned from the
 * room, is refused with one answer ({@linkcode LINK_REFUSED}); so is a link whose maker's account
 * is being deleted or gone. A link whose maker an administrator disabled is refused with its own
 * answer ({@linkcode LINK_PAUSED}) while the account stays disabled, checked at each use (in the
 * accept's commit), so it works again once the account is enabled: someone a moderator stopped
 * cannot go on bringing people in through links made before. The account deletion revokes the links the account made
 * ({@linkcode InviteLinks.forget}), in the rooms it has left too: a link belongs to whoever
 * made it, not to the room's managers of the day. Each link made is also listed under its maker
 * (`user_invite`, since 2026-12-03), and its creation checks the maker's account in its commit,
 * so none is made after the deletion listed them; the accept's and the peek's check of the
 * maker covers the links made before that list existed (they expire within
 * `MAX_INVITE_HOURS`), and the room's list leaves them out, deleting them as it finds them
 * ({@linkcode InviteLinks.list}).
 *
 * @module
 */
import {
  type InviteLinkView,
  MAX_INVITE_HOURS,
  MAX_INVITE_USES,
  type RoomSummary,
} from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import {
  ACCOUNT_GONE,
  accountsLive,
  commitAsAccount,
  type UserRecord,
} from "../accounts/accounts.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { readMany } from "../kv/kv_read_many.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { addMembership, membershipKey } from "./memberships.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { isGroupMember, NO_SUCH_ROOM } from "./room_access.ts";
import type { PostSystemMessage } from "../messages/room_events.ts";
import { isManager, roleOf } from "../common/room_roles.ts";
import type { Membership, RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";

/** A stored invite link (the same value under both of its keys). */
export interface InviteRecord {
  roomId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
}

/** The one answer for every refused link (but those of {@linkcode LINK_PAUSED}). */
export const LINK_REFUSED: Refusal = refusal(404, "refusal.linkInvalid");
/** The answer for an otherwise valid link whose maker's account an administrator disabled. */
export const LINK_PAUSED: Refusal = refusal(403, "refusal.linkMakerDisabled");
const FORBIDDEN: Refusal = refusal(403, "refusal.linksManagersOnly");
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** Creates, lists, revokes and accepts invite links. */
export class InviteLinks {
  #kv: Deno.Kv;
  #clock: Clock;
  #post: PostSystemMessage;

  /** Stores links in `kv`; `post` writes the system message of a join. */
  constructor(kv: Deno.Kv, clock: Clock, post: PostSystemMessage) {
    this.#kv = kv;
    this.#clock = clock;
    this.#post = post;
  }

  /** Creates a link to `roomId` valid for `hours` and `maxUses` joins. Owner and admins. */
  async create(
    actorId: string,
    roomId: string,
    hours: number,
    maxUses: number,
  ): Promise<Outcome<{ link: InviteLinkView }>> {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_INVITE_HOURS) {
      return refusal(400, "refusal.linkExpiryRange", { max: MAX_INVITE_HOURS });
    }
    if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > MAX_INVITE_USES) {
      return refusal(400, "refusal.linkUsesRange", { max: MAX_INVITE_USES });
    }
    const refused = await this.#managerCheck(actorId, roomId);
    if (refused) return refused;
    const token = newId();
    const now = this.#clock.now();
    const record: InviteRecord = {
      roomId,
      createdBy: actorId,
      createdAt: now,
      expiresAt: now + hours * 3_600_000,
      maxUses,
      uses: 0,
    };
    const expireIn = hours * 3_600_000;
    // Checked against the maker's account: none is made after its deletion listed its links.
    const done = await commitAsAccount(this.#kv, actorId, "invite link", (atomic) => {
      atomic.check({ key: keys.invite(token), versionstamp: null })
        .set(keys.invite(token), record, { expireIn })
        .set(keys.roomInvite(roomId, token), record, { expireIn })
        .set(keys.userInvite(actorId, token), roomId, { expireIn });
    });
    if (!("versionstamp" in done)) return done;
    return { ok: true, link: view(token, record, false) };
  }

  /**
   * The room's live links, newest first, those of a disabled maker marked `paused`. Owner and
   * admins. A link whose maker is deleted or being deleted is left out and deleted: one made
   * before links were listed under their maker, which the deletion could not find (one read of
   * the makers per call, a few of them).
   */
  async list(
    actorId: string,
    roomId: string,
  ): Promise<Outcome<{ links: InviteLinkView[] }>> {
    const refused = await this.#managerCheck(actorId, roomId);
    if (refused) return refused;
    const now = this.#clock.now();
    const live: { token: string; record: InviteRecord }[] = [];
    for await (const entry of this.#kv.list<InviteRecord>({ prefix: keys.roomInvites(roomId) })) {
      const record = entry.value;
      if (record.expiresAt > now && record.uses < record.maxUses) {
        live.push({ token: decode.roomInvite(entry.key), record });
      }
    }
    const makerIds = [...new Set(live.map(({ record }) => record.createdBy))];
    const makers = new Map(
      (await readMany<UserRecord>(this.#kv, makerIds.map((id) => keys.user(id))))
        .map((entry, i) => [makerIds[i]!, entry]),
    );
    const links: InviteLinkView[] = [];
    for (const { token, record } of live) {
      const maker = makers.get(record.createdBy)!;
      if (accountsLive([maker])) {
        links.push(view(token, record, maker.value!.disabled === true));
      } else {
        await this.#deleteLink(token, record);
      }
    }
    return { ok: true, links: links.sort((a, b) => b.expiresAt - a.expiresAt) };
  }

  /** Revokes a link of the room. Owner and admins. */
  async revoke(
    actorId: string,
    roomId: string,
    token: string,
  ): Promise<Outcome> {
    const refused = await this.#managerCheck(actorId, roomId);
    if (refused) return refused;
    if (!TOKEN.test(token)) return LINK_REFUSED;
    const link = await this.#kv.get<InviteRecord>(keys.invite(token));
    if (link.value?.roomId !== roomId) return LINK_REFUSED;
    await this.#deleteLink(token, link.value);
    return { ok: true };
  }

  /**
   * Revokes every link `userId` made (listed under `user_invite`), whatever room it leads to
   * and whether they are still in it: for their account's deletion. Safe to run again: each
   * run revokes what is left.
   *
   * @returns How many links it revoked.
   */
  async forget(userId: string): Promise<number> {
    let revoked = 0;
    for await (const entry of this.#kv.list<string>({ prefix: keys.userInvites(userId) })) {
      const token = decode.userInvite(entry.key);
      await commitAtomic(
        this.#kv.atomic().delete(keys.invite(token))
          .delete(keys.roomInvite(entry.value, token)).delete(entry.key),
      );
      revoked++;
    }
    return revoked;
  }

  /**
   * The room a valid link leads to, for `userId`'s join page; the refusal of
   * {@linkcode InviteLinks.accept} for a link it would refuse (so a banned user learns nothing
   * more than it would tell them).
   */
  async peek(userId: string, token: string): Promise<Outcome<{ room: RoomSummary }>> {
    if (!TOKEN.test(token)) return LINK_REFUSED;
    const link = await this.#kv.get<InviteRecord>(keys.invite(token));
    if (!link.value || !this.#usable(link.value)) return LINK_REFUSED;
    const [room, ban, maker] = await this.#kv.getMany<[RoomRecord, unknown, UserRecord]>([
      keys.room(link.value.roomId),
      keys.roomBan(link.value.roomId, userId),
      keys.user(link.value.createdBy),
    ]);
    return linkRefusal(room, ban, maker) ?? { ok: true, room: summary(room.value!) };
  }

  /**
   * Joins `userId` to the link's room and counts one use. A member using a link stays as they
   * are and uses nothing.
   */
  async accept(
    userId: string,
    token: string,
  ): Promise<Outcome<{ room: RoomSummary }>> {
    if (!TOKEN.test(token)) return LINK_REFUSED;
    return await transact<Outcome<{ room: RoomSummary }>>(
      "invite links",
      async () => {
        const link = await this.#kv.get<InviteRecord>(keys.invite(token));
        if (!link.value || !this.#usable(link.value)) return LINK_REFUSED;
        const roomId = link.value.roomId;
        const read = await this.#kv.getMany<
          [RoomRecord, unknown, Membership, UserRecord, UserRecord]
        >([
          keys.room(roomId),
          keys.roomBan(roomId, userId),
          membershipKey(roomId, userId),
          keys.user(userId),
          keys.user(link.value.createdBy),
        ]);
        const [room, ban, existing, account, maker] = read;
        // Checked in the commit below: a disable of the maker landing meanwhile is seen on retry.
        const refused = linkRefusal(room, ban, maker);
        if (refused) return refused;
        if (!accountsLive([account])) return ACCOUNT_GONE;
        const joined = summary(room.value!);
        if (existing.value) return { ok: true, room: joined };
        const used: InviteRecord = { ...link.value, uses: link.value.uses + 1 };
        const expireIn = Math.max(1, used.expiresAt - this.#clock.now());
        const atomic = this.#kv.atomic().check(link, ...read)
          .set(keys.invite(token), used, { expireIn })
          .set(keys.roomInvite(roomId, token), used, { expireIn });
        const membership: Membership = { joinedAt: this.#clock.now(), role: "member" };
        addMembership(atomic, roomId, userId, membership, account);
        return commit(atomic, async () => {
          await this.#post(roomId, { type: "joined_by_link", user: account.value!.name });
          return { ok: true as const, room: joined };
        });
      },
    );
  }

  /** Deletes a link under its three keys. */
  async #deleteLink(token: string, record: InviteRecord): Promise<void> {
    await commitAtomic(
      this.#kv.atomic().delete(keys.invite(token)).delete(keys.roomInvite(record.roomId, token))
        .delete(keys.userInvite(record.createdBy, token)),
    );
  }

  #usable(record: InviteRecord): boolean {
    // KV expiry is lazy: the stored expiry is what counts.
    return record.expiresAt > this.#clock.now() && record.uses < record.maxUses;
  }

  async #managerCheck(actorId: string, roomId: string): Promise<Refusal | undefined> {
    const [room, actor] = await this.#kv.getMany<[RoomRecord, Membership]>([
      keys.room(roomId),
      membershipKey(roomId, actorId),
    ]);
    if (!isGroupMember(room.value, actor.value)) return NO_SUCH_ROOM;
    return isManager(roleOf(actor.value!, room.value.createdBy === actorId))
      ? undefined
      : FORBIDDEN;
  }
}

/**
 * Why a usable link is refused to someone, given its room, their ban and its maker: a room gone
 * or direct, a ban, a maker deleted (its deletion revokes the link, `forget`; from its first
 * commit on, the link is refused as revoked, even before that step ran) all as an unknown link;
 * a maker disabled as {@linkcode LINK_PAUSED}.
 */
function linkRefusal(
  room: Deno.KvEntryMaybe<RoomRecord>,
  ban: Deno.KvEntryMaybe<unknown>,
  maker: Deno.KvEntryMaybe<UserRecord>,
): Refusal | undefined {
  if (!room.value || room.value.visibility === "direct" || ban.versionstamp) return LINK_REFUSED;
  if (!accountsLive([maker])) return LINK_REFUSED;
  return maker.value!.disabled ? LINK_PAUSED : undefined;
}

function view(token: string, record: InviteRecord, paused: boolean): InviteLinkView {
  return {
    token,
    url: `/join/${token}`,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    maxUses: record.maxUses,
    uses: record.uses,
    ...(paused ? { paused: true as const } : {}),
  };
}
