/**
 * Upload throughput into Deno KV: files sent through the real upload API (`/api/uploads`: start,
 * parts of 480 KiB, finish) of an in-process server on a KV file, as a browser would, one file
 * at a time and several at once. Prints MiB/s of file bytes for the parts alone (stored as
 * 60 KiB chunks, one commit per part) and for the whole upload including the finish (read back,
 * SHA-256, type check, one copy per content).
 *
 * Run: `deno run -A bench/upload_throughput.ts [MiB per file, default 25] [files, default 4]`
 *
 * @module
 */
import { UPLOAD_PART_BYTES, type UploadStatus } from "../lib/common/attachments.ts";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import { createChatServer } from "../lib/server/chat_server.ts";
import { readConfig } from "../lib/server/config.ts";
import { build } from "../scripts/build.ts";

const mib = Number(Deno.args[0] ?? 25);
const files = Number(Deno.args[1] ?? 4);
await build({ quiet: true });
const dir = await Deno.makeTempDir({ prefix: "upload-bench-" });
const kv = await Deno.openKv(`${dir}/bench.kv`);
const config = {
  ...readConfig({ LOG_FORMAT: "off" }),
  limits: { ...readConfig({}).limits, uploadsPerHour: 1e6 },
};
const chat = await createChatServer({
  config,
  kv,
  broker: new MemoryBus().broker(),
});
const abort = new AbortController();
const server = Deno.serve(
  { port: 0, hostname: "127.0.0.1", signal: abort.signal, onListen() {} },
  chat.fetch,
);
const url = `http://127.0.0.1:${server.addr.port}`;

const registered = await fetch(`${url}/api/auth/register`, {
  method: "POST",
  headers: { "content-type": "application/json", origin: url },
  body: JSON.stringify({ username: "bench", password: "benchmark password" }),
});
const cookie = registered.headers.get("set-cookie")!.split(";")[0]!;
await registered.body?.cancel();
const headers = { cookie, origin: url };

/** Uploads one file; returns the milliseconds of its parts and of its finish. */
async function upload(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<{ partsMs: number; finishMs: number }> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const start = await fetch(`${url}/api/uploads`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench.bin", size: bytes.length, type: "", sha256 }),
  });
  const status: UploadStatus = await start.json();
  const began = performance.now();
  for (let index = 0; index < status.parts; index++) {
    const put = await fetch(`${url}/api/uploads/${status.id}/parts/${index}`, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: bytes.subarray(index * UPLOAD_PART_BYTES, (index + 1) * UPLOAD_PART_BYTES),
    });
    if (put.status !== 204) throw new Error(`part ${index}: ${put.status}`);
  }
  const partsDone = performance.now();
  const finish = await fetch(`${url}/api/uploads/${status.id}/finish`, { method: "POST", headers });
  if (finish.status !== 200) throw new Error(`finish: ${finish.status} ${await finish.text()}`);
  await finish.body?.cancel();
  return { partsMs: partsDone - began, finishMs: performance.now() - partsDone };
}

function randomFile(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

const size = mib * 1024 * 1024;
const rate = (bytes: number, ms: number) => (bytes / 1048576 / (ms / 1000)).toFixed(1);

let partsMs = 0;
let totalMs = 0;
for (let i = 0; i < files; i++) {
  const result = await upload(randomFile(size));
  partsMs += result.partsMs;
  totalMs += result.partsMs + result.finishMs;
}
console.log(`one at a time: ${files} files of ${mib} MiB`);
console.log(`  parts only:        ${rate(files * size, partsMs)} MiB/s`);
console.log(`  with finish:       ${rate(files * size, totalMs)} MiB/s`);

const together = Array.from({ length: files }, () => randomFile(size));
const began = performance.now();
await Promise.all(together.map(upload));
console.log(
  `${files} at once:       ${rate(files * size, performance.now() - began)} MiB/s (with finish)`,
);

await chat.close();
abort.abort();
await server.finished;
kv.close();
await Deno.remove(dir, { recursive: true });
