/**
 * What an operator sees of memory after a burst with many stuck sockets: starts the server in
 * its own process, opens STUCK sockets that subscribe and never read, floods the room, and
 * prints the server's resident memory at start, at its peak, 2 s after the flood, after a full
 * V8 garbage collection, and after `malloc_trim(0)` (see `bench/memory_probe_main.ts`).
 *
 * ```sh
 * deno run -A bench/memory_after_burst.ts [STUCK=200] [BUDGET_MIB=default] [LINGER_S=0]
 * ```
 *
 * With LINGER_S, the stuck sockets stay open (never reading) that long after the flood, and
 * the memory after `malloc_trim(0)` is printed every 10 s: how long the runtime keeps the
 * unsent bytes of a socket it closed but whose peer never reads.
 *
 * @module
 */
import { createRoom, registerUser, TestSocket } from "../tests/helpers/chat_client.ts";
import { BIG_TEXT, flood, ReadingMember, stalledMember } from "../tests/helpers/flood.ts";
import { residentBytes, spawnServer } from "../tests/helpers/server_process.ts";

const MB = 1024 * 1024;
const stuckCount = Number(Deno.args[0] ?? 200);
const budgetMib = Deno.args[1];
const lingerSeconds = Number(Deno.args[2] ?? 0);
const total = 750;

const dir = await Deno.makeTempDir({ prefix: "memory-burst" });
const server = await spawnServer({
  kvPath: `${dir}/chat.kv`,
  entry: "bench/memory_probe_main.ts",
  denoArgs: ["--v8-flags=--expose-gc"],
  env: {
    SEND_RATE: "1000000",
    SEND_BURST: "1000000",
    CONNECTIONS_PER_USER: "1000",
    ...(budgetMib ? { UNSENT_BYTES_BUDGET: String(Number(budgetMib) * MB) } : {}),
  },
});
const rss = async () => Math.round((await residentBytes(server.pid)) / MB);
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
const signal = async (name: Deno.Signal) => {
  Deno.kill(server.pid, name);
  await settle();
  return await rss();
};
try {
  const alice = await registerUser(server.url, "alice");
  const bob = await registerUser(server.url, "bob");
  const carol = await registerUser(server.url, "carol");
  const room = (await createRoom(server.url, alice, [bob, carol])).id;
  const stuck = [];
  for (let i = 0; i < stuckCount; i++) stuck.push(await stalledMember(server, bob, room));
  const reader = new ReadingMember(server, carol, room);
  await reader.ready;
  const sender = new TestSocket(server.url, alice);
  await sender.next("welcome");
  const start = await rss();
  let peak = start;
  const samples: Promise<void>[] = [];
  await flood(sender, room, total, BIG_TEXT, 16, () => {
    samples.push(rss().then((value) => void (peak = Math.max(peak, value))));
  });
  await Promise.all(samples);
  await reader.waitFor(total, 60_000);
  await settle();
  const after = await rss();
  const afterGc = await signal("SIGUSR1");
  const afterTrim = await signal("SIGUSR2");
  const readerClose = reader.closeCode ?? "open";
  const lingering: string[] = [];
  for (let waited = 0; waited < lingerSeconds; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    lingering.push(`+${waited + 10} s: ${await signal("SIGUSR2")}`);
  }
  for (const slow of stuck) slow.conn.close();
  await reader.close();
  await sender.close();
  await settle();
  const closed = await rss();
  const afterGc2 = await signal("SIGUSR1");
  const afterTrim2 = await signal("SIGUSR2");
  console.log(
    `stuck=${stuckCount} budget=${budgetMib ?? "default"} MiB flood=${total}×16KB ` +
      `reader got ${reader.seqs.length}, reader socket ${readerClose}\n` +
      `rss MiB: start ${start}, peak ${peak}, 2 s after ${after}, after gc ${afterGc}, ` +
      `after malloc_trim ${afterTrim}; stuck sockets closed by the client: ${closed}, ` +
      `gc ${afterGc2}, malloc_trim ${afterTrim2}` +
      (lingering.length
        ? `\nstuck sockets left open, after malloc_trim: ${lingering.join(", ")}`
        : ""),
  );
} finally {
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
