/**
 * `deno run -A bench/author_files_start.ts BASE_DIR NEW_DIR [N] [ROUNDS]`: side by side, rounds
 * alternating which goes first, how long a node's start takes (`startTestServer` until it
 * serves) and the author-files backfill alone (`backfillAuthorFiles`), on an in-memory KV seeded
 * with N messages with files stored before their `author_file` list existed (`msg` and
 * `file_ref` only), for two checkouts. Prints each round and the medians, in ms.
 *
 * @module
 */
const [baseRoot, newRoot, nArg, roundsArg] = Deno.args;
const N = Number(nArg ?? 20000);
const ROUNDS = Number(roundsArg ?? 3);
async function load(root: string) {
  return {
    keys: (await import(`${root}/lib/kv/kv_keys.ts`)).keys,
    backfill: (await import(`${root}/lib/messages/author_files.ts`)).backfillAuthorFiles,
    start: (await import(`${root}/tests/helpers/test_server.ts`)).startTestServer,
  };
}
const roots = { base: await load(baseRoot!), new: await load(newRoot!) };
interface Keys {
  message(room: string, seq: number): Deno.KvKey;
  fileRef(fileId: string, room: string, seq: number): Deno.KvKey;
}
async function seeded(keys: Keys): Promise<Deno.Kv> {
  const kv = await Deno.openKv(":memory:");
  const at = Date.now();
  for (let i = 0; i < N; i += 100) {
    const atomic = kv.atomic();
    for (let j = i; j < Math.min(N, i + 100); j++) {
      const room = `room${j % 200}`, seq = Math.floor(j / 200) + 1, id = `f${j}`.padEnd(64, "0");
      atomic.set(keys.message(room, seq), {
        room,
        seq,
        id: `m${j}`,
        at,
        from: `u${j % 50}`,
        author: `u${j % 50}`,
        text: "",
        attachments: [{ id, name: "a.png", size: 3, type: "image/png" }],
      });
      atomic.set(keys.fileRef(id, room, seq), { at });
    }
    await atomic.commit();
  }
  return kv;
}
const results: Record<"base" | "new", { start: number[]; backfill: number[] }> = {
  base: { start: [], backfill: [] },
  new: { start: [], backfill: [] },
};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of (r % 2 ? ["new", "base"] : ["base", "new"]) as ("base" | "new")[]) {
    const it = roots[name];
    let kv = await seeded(it.keys);
    let t = performance.now();
    const server = await it.start({ kv });
    results[name].start.push(performance.now() - t);
    await server.close();
    kv.close();
    kv = await seeded(it.keys);
    t = performance.now();
    await it.backfill(kv, { now: () => Date.now() });
    results[name].backfill.push(performance.now() - t);
    kv.close();
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [name, r] of Object.entries(results)) {
  console.log(
    name,
    "start ms",
    r.start.map(Math.round),
    "median",
    Math.round(med(r.start)),
    "| backfill ms",
    r.backfill.map(Math.round),
    "median",
    Math.round(med(r.backfill)),
  );
}
