import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { messageStoreConformance } from "./message_store_conformance.ts";
import { messageActionsConformance } from "./message_actions_conformance.ts";

messageStoreConformance("KvMessageStore on :memory: KV", async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    store: new KvMessageStore(kv, systemClock),
    close: () => Promise.resolve(kv.close()),
  };
});

messageStoreConformance(
  "KvMessageStore on a KV file",
  async () => {
    const { path, remove } = await tempKvPath();
    const kv = await Deno.openKv(path);
    return {
      store: new KvMessageStore(kv, systemClock),
      close: async () => {
        kv.close();
        await remove();
      },
    };
  },
  {
    makeTwins: async () => {
      const { path, remove } = await tempKvPath();
      const first = await Deno.openKv(path);
      const second = await Deno.openKv(path);
      return {
        stores: [new KvMessageStore(first, systemClock), new KvMessageStore(second, systemClock)],
        close: async () => {
          first.close();
          second.close();
          await remove();
        },
      };
    },
  },
);

async function tempKvPath(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "message_store_test_" });
  return {
    path: `${dir}/chat.kv`,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

messageActionsConformance("KvMessageStore on :memory: KV", async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    store: new KvMessageStore(kv, systemClock),
    close: () => Promise.resolve(kv.close()),
  };
});
