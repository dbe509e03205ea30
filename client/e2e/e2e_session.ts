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

/** Opens the device (creating it on first use) and returns the session the page uses. */
export async function startE2eSession(
  { client, view }: { client: ChatClient; view: E2eView },
): Promise<E2eSession> {
  const store = new KeyStore();
  const keys = await DeviceKeys.open(store, client.user.id);
  // Others can start a conversation with this device only once it has published some.
  await keys.refill().catch((error) => console.error("e2e: publishing KeyPackages failed", error));
  const readers = new Map<string, RoomReader>();
  return {
    follow(roomId) {
      const reader = new RoomReader({ roomId, keys, store }, view, client);
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
      };
    },
    encrypt(roomId, text) {
      const reader = readers.get(roomId);
      if (!reader) return Promise.reject(new Error("not following that conversation"));
      return reader.encrypt(text);
    },
  };
}
