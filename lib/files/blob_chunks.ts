/**
 * The bytes of a file in Deno KV: chunks of {@linkcode FILE_CHUNK_BYTES} (under KV's 64 KiB
 * value limit) under a blob id, chunk `n` holding bytes `n × FILE_CHUNK_BYTES` onwards. No
 * filesystem, so it runs on Deno Deploy.
 *
 * @module
 */
import { FILE_CHUNK_BYTES, UPLOAD_PART_BYTES } from "../common/attachments.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { keys } from "../kv/kv_keys.ts";

/** Chunks per upload part. */
const CHUNKS_PER_PART = UPLOAD_PART_BYTES / FILE_CHUNK_BYTES;
/** Deletes per commit: under KV's 1,000 mutations. */
const DELETE_BATCH = 500;

/** Adds the sets that store part `index` of a blob (its bytes) to `atomic`. */
export function setPartChunks(
  atomic: Deno.AtomicOperation,
  blobId: string,
  index: number,
  bytes: Uint8Array,
): Deno.AtomicOperation {
  for (let offset = 0, n = index * CHUNKS_PER_PART; offset < bytes.length; n++) {
    atomic.set(keys.fileChunk(blobId, n), bytes.slice(offset, offset + FILE_CHUNK_BYTES));
    offset += FILE_CHUNK_BYTES;
  }
  return atomic;
}

/** Every byte of a blob of `size` bytes, in one buffer (for hashing and sniffing). */
export async function readBlob(
  kv: Deno.Kv,
  blobId: string,
  size: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.fileChunks(blobId) })) {
    const chunk = entry.value;
    if (offset + chunk.length > size) throw new Error(`blob ${blobId} is longer than ${size}`);
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  if (offset !== size) throw new Error(`blob ${blobId} has ${offset} of ${size} bytes`);
  return bytes;
}

/**
 * Streams bytes `start` to `end` (inclusive) of a blob, reading only the chunks they are in,
 * a few at a time.
 */
export function streamBlob(
  kv: Deno.Kv,
  blobId: string,
  start: number,
  end: number,
): ReadableStream<Uint8Array> {
  const first = Math.floor(start / FILE_CHUNK_BYTES);
  const last = Math.floor(end / FILE_CHUNK_BYTES);
  const entries = kv.list<Uint8Array>({
    start: keys.fileChunk(blobId, first),
    end: keys.fileChunk(blobId, last + 1),
  }, { batchSize: 8 });
  return new ReadableStream({
    async pull(controller) {
      const next = await entries.next();
      if (next.done) return controller.close();
      const n = next.value.key.at(-1) as number;
      const chunkStart = n * FILE_CHUNK_BYTES;
      const from = Math.max(start - chunkStart, 0);
      const to = Math.min(end - chunkStart + 1, next.value.value.length);
      controller.enqueue(next.value.value.subarray(from, to));
    },
  });
}

/** Deletes every chunk of a blob, in commits of {@linkcode DELETE_BATCH}. */
export async function deleteBlob(kv: Deno.Kv, blobId: string): Promise<void> {
  await deleteAll(kv, keys.fileChunks(blobId));
}

/** Deletes every key under `prefix`, in commits of {@linkcode DELETE_BATCH}. */
export async function deleteAll(kv: Deno.Kv, prefix: Deno.KvKey): Promise<void> {
  let batch: Deno.KvKey[] = [];
  const flush = async () => {
    const atomic = kv.atomic();
    for (const key of batch) atomic.delete(key);
    await commitAtomic(atomic);
    batch = [];
  };
  for await (const entry of kv.list({ prefix }, { batchSize: DELETE_BATCH })) {
    batch.push(entry.key);
    if (batch.length === DELETE_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}
