/**
 * `deno task bench --only e2e [--devices N] [--messages M]`: the cost of end-to-end encryption
 * on the real MLS core (`lib/common/e2e/`), in process under Deno (`--browser`: in Chromium, see `e2e_browser.ts`): the median time of adding N devices (default 50) with their Welcomes, in commits
 * of at most `MAX_ADDS_PER_COMMIT` as a client must send them, of one device joining from the
 * last Welcome, of encrypting and decrypting one short message
 * (over M messages, default 200) and one 1 MiB file (AES-GCM-256, as an encrypted room's files
 * are), plus the sizes on the wire (all commits together). Each
 * figure is a median of repeated runs of one operation.
 *
 * @module
 */
import { createDevice, generateDeviceKeyPackage } from "../lib/common/e2e/mls_device.ts";
import { MAX_ADDS_PER_COMMIT, MlsGroup } from "../lib/common/e2e/mls_group.ts";
import { openFile, sealFile } from "../lib/common/e2e/e2e_file.ts";

/** What `--only e2e` measures with. */
export interface E2eBenchOptions {
  devices: number;
  messages: number;
}

const COMMIT_ROUNDS = 5;
/** Files of encrypted rooms: a 1 MiB file sealed and opened (AES-GCM-256, WebCrypto) this often. */
const FILE_BYTES = 1024 * 1024;
const FILE_ROUNDS = 20;
const SAMPLE_TEXT = "周五下午三点在会议室见，带上设计稿 (see you Friday at 3)";

/** Medians in milliseconds, and base64 sizes on the wire. */
export interface E2eFigures {
  commitMs: number;
  commitChars: number;
  joinMs: number;
  encryptMs: number;
  decryptMs: number;
  messageChars: number;
  /** Encrypting, and decrypting, one {@linkcode FILE_BYTES} file with a fresh key. */
  fileSealMs: number;
  fileOpenMs: number;
}

/**
 * Runs the measurements. Browser-safe (no `Deno` API): `bench/e2e_browser.ts` runs this same
 * function in Chromium.
 */
export async function measureE2e(options: E2eBenchOptions): Promise<E2eFigures> {
  const commits: number[] = [];
  const joins: number[] = [];
  let commitChars = 0;
  for (let round = 0; round < COMMIT_ROUNDS; round++) {
    const owner = await createDevice("owner", "owner-device");
    const group = await MlsGroup.create(`bench-${round}`, await generateDeviceKeyPackage(owner));
    const joiners = await Promise.all(
      Array.from({ length: options.devices }, async (_, i) => {
        const device = await createDevice(`user${i}`, `device-${i}`);
        return { userId: device.userId, held: await generateDeviceKeyPackage(device) };
      }),
    );
    // As a client must: in commits of at most MAX_ADDS_PER_COMMIT devices, one after another.
    const claimed = joiners.map(({ userId, held }) => ({ userId, keyPackage: held.encoded }));
    const started = performance.now();
    let commit;
    commitChars = 0;
    for (let at = 0; at < claimed.length; at += MAX_ADDS_PER_COMMIT) {
      commit = await group.add(claimed.slice(at, at + MAX_ADDS_PER_COMMIT));
      group.stage(commit);
      await group.receive(commit.payload);
      commitChars += commit.payload.data.length + (commit.payload.welcome?.length ?? 0);
    }
    commits.push(performance.now() - started);
    const joinStarted = performance.now();
    await MlsGroup.join(commit!.payload, [joiners.at(-1)!.held]);
    joins.push(performance.now() - joinStarted);
  }

  const alice = await createDevice("alice", "alice-device");
  const bob = await createDevice("bob", "bob-device");
  const sender = await MlsGroup.create("bench-messages", await generateDeviceKeyPackage(alice));
  const bobPackage = await generateDeviceKeyPackage(bob);
  const added = await sender.add([{ userId: "bob", keyPackage: bobPackage.encoded }]);
  sender.stage(added);
  await sender.receive(added.payload);
  const reader = (await MlsGroup.join(added.payload, [bobPackage]))!.group!;
  const encrypts: number[] = [];
  const decrypts: number[] = [];
  let messageChars = 0;
  for (let i = 0; i < options.messages; i++) {
    const started = performance.now();
    const payload = await sender.encrypt(SAMPLE_TEXT);
    const encrypted = performance.now();
    const read = await reader.receive(payload);
    decrypts.push(performance.now() - encrypted);
    encrypts.push(encrypted - started);
    messageChars = payload.data.length;
    if (read.kind !== "message") throw new Error(`bench message not read: ${read.kind}`);
  }

  const file = new Uint8Array(FILE_BYTES).map((_, i) => i * 7);
  const seals: number[] = [];
  const opens: number[] = [];
  for (let round = 0; round < FILE_ROUNDS; round++) {
    const started = performance.now();
    const sealed = await sealFile(file);
    const between = performance.now();
    const opened = await openFile(sealed.ciphertext, sealed);
    opens.push(performance.now() - between);
    seals.push(between - started);
    if (opened.length !== file.length) throw new Error("bench file not opened");
  }

  return {
    fileSealMs: median(seals),
    fileOpenMs: median(opens),
    commitMs: median(commits),
    commitChars,
    joinMs: median(joins),
    encryptMs: median(encrypts),
    decryptMs: median(decrypts),
    messageChars,
  };
}

/** Runs the measurements under Deno and prints one table. */
export async function runE2eBench(options: E2eBenchOptions): Promise<void> {
  const figures = await measureE2e(options);
  printE2eFigures(`under Deno ${Deno.version.deno}`, figures, options.devices);
}

/** Prints one run's medians as a table; `where` names the runtime (Deno or Chromium). */
export function printE2eFigures(where: string, figures: E2eFigures, devices: number): void {
  console.log(`E2E (MLS, ts-mls, ${where}), medians:`);
  console.table({
    [`commits adding ${devices} devices`]: {
      ms: figures.commitMs,
      base64: figures.commitChars,
    },
    "join from that Welcome": { ms: figures.joinMs, base64: "" },
    "encrypt one short message": { ms: figures.encryptMs, base64: figures.messageChars },
    "decrypt one short message": { ms: figures.decryptMs, base64: "" },
    "encrypt a 1 MiB file (AES-GCM)": { ms: figures.fileSealMs, base64: "" },
    "decrypt a 1 MiB file (AES-GCM)": { ms: figures.fileOpenMs, base64: "" },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 100) / 100;
}
