/**
 * The lazily loaded end-to-end encryption chunk's entry point (it carries ts-mls, ~66 KB
 * gzipped): loaded only once an encrypted conversation is listed, shown or created. It opens
 * this browser profile's device for the signed-in user, publishes its KeyPackages, and reads
 * each followed encrypted room with a {@linkcode RoomReader}.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ChatClient } from "../chat_client.ts";
import type { E2eSession, E2eView } from "../e2e_view.ts";
import { DeviceKeys } from "./device_keys.ts";
import { KeyStore } from "./key_store.ts";
import { RoomReader } from "./room_reader.ts";
import type { MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import { GroupVerification } from "./group_verification.ts";
import { PairVerification, type RoomVerification } from "./verification.ts";
import { type ClosableSession, oneTabSession } from "./one_tab_session.ts";
import { sendHeldForKeys } from "./held_for_keys.ts";
import { systemTimers } from "../../lib/common/clock.ts";

/**
 * Opens the device (creating it on first use) and returns the session the page uses; one tab
 * of the browser profile at a time ({@linkcode oneTabSession}).
 */
export function startE2eSession(
  parts: { client: ChatClient; view: E2eView },
): Promise<E2eSession> {
  return oneTabSession(parts.client.user.id, parts.view, () => openSession(parts));
}

async function openSession(
  { client, view }: { client: ChatClient; view: E2eView },
): Promise<ClosableSession> {
  const store = new KeyStore();
  const keys = await DeviceKeys.open(store, client.user.id);
  // Others can start a conversation with this device only once it has published some.
  await keys.refill().catch((error) => console.error("e2e: publishing KeyPackages failed", error));
  const readers = new Map<string, RoomReader>();
  const verifications = new Map<string, RoomVerification>();
  const checked = (roomId: string) => {
    const reader = readers.get(roomId);
    const verification = verifications.get(roomId);
    if (!reader?.group || !verification) {
      throw new Error("this device is not in that encrypted conversation's group yet");
    }
    return { group: reader.group, verification };
  };
  const checkFailed = (error: unknown) =>
    console.error("e2e: checking the safety number failed", error);
  // A contact's new device that only the directory lists yet (no commit has added it) shows at
  // the next check: this one, when the user comes back to the page, is one request per user
  // and secret chat, and one per encrypted group.
  // A device asking to be added: the members' devices check the group at once instead of at
  // their next periodic check (up to 20 s away).
  // A deleted account's devices left the key directory first: the groups remove them now.
  const unlisten = client.onUserEvent((event) => {
    if (event.kind === "e2e_add_request") {
      readers.get(event.roomId)?.addRequested(event.userId, event.deviceId, {
        ...(event.leaf !== undefined ? { leaf: event.leaf } : {}),
        ...(event.epoch !== undefined ? { epoch: BigInt(event.epoch) } : {}),
      });
    } else if (event.kind === "profile" && event.profile.deleted) {
      for (const reader of readers.values()) reader.checkMembership();
    }
  });
  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    for (const [roomId, verification] of verifications) {
      const group = readers.get(roomId)?.group;
      if (group) void verification.check(group).catch(checkFailed);
    }
  };
  document.addEventListener("visibilitychange", onVisible);
  const encrypt = (roomId: string, text: string) => {
    const reader = readers.get(roomId);
    if (!reader) return Promise.reject(new Error("not following that conversation"));
    return reader.encrypt(text);
  };
  // Texts typed before this device had a room's keys: sent from here, the tab holding the device.
  const stopHeld = sendHeldForKeys({
    outbox: client.outbox,
    ready: (roomId) => view.room(roomId).act !== undefined,
    encrypt,
    // Already pending: this only sends it now.
    send: (clientId) => client.retry(clientId),
    timers: systemTimers,
  });
  return {
    async close() {
      stopHeld();
      unlisten();
      document.removeEventListener("visibilitychange", onVisible);
      await Promise.all([...readers.values()].map((reader) => reader.close()));
      await keys.idle();
    },
    follow(roomId, peer) {
      // A secret chat has one safety number; a group one per other member.
      const me = client.user.id;
      const verification: RoomVerification = peer
        ? new PairVerification({ store, me, peer, roomId, view })
        : new GroupVerification({ store, me, roomId, view });
      verifications.set(roomId, verification);
      const onGroup = (group: MlsGroup) => void verification.check(group).catch(checkFailed);
      const reader = new RoomReader({ roomId, keys, store, onGroup }, view, client);
      readers.set(roomId, reader);
      const room = client.room(roomId);
      const stop = effect(() => {
        // Read again whenever the room's log or its loading state changes.
        void room.messages.value;
        void room.loaded.value;
        void room.hasMore.value;
        reader.schedule();
      });
      return () => {
        stop();
        reader.stop();
        if (readers.get(roomId) === reader) readers.delete(roomId);
        if (verifications.get(roomId) === verification) verifications.delete(roomId);
      };
    },
    encrypt,
    async safetyNumber(roomId, peer) {
      const { group, verification } = checked(roomId);
      return await verification.safetyNumber(group, peer);
    },
    async setVerified(roomId, verified, peer) {
      await checked(roomId).verification.setVerified(verified, peer);
    },
  };
}
