/**
 * Runs the Node load generator (`load/generator.mjs`) as a process of its own, pinned to
 * {@linkcode GENERATOR_CORE} when the server is pinned, and reads back its result.
 *
 * @module
 */
import { GENERATOR_CORE, spawnChild, stopChild } from "./process.ts";
import type { ClientKind } from "./servers.ts";

/** One generator client: its room and, for our server, its session cookie. */
export interface JobClient {
  room: string;
  cookie?: string;
  /** Position in the whole layout (picks the client's source address); default: its index. */
  index?: number;
  /** `resume`: the newest seq the client had; it subscribes with `after` set to it. */
  after?: number;
  /** `resume`: messages it must receive after subscribing (the ones it missed). */
  expected?: number;
}

/** What a generator process is told (see `load/generator.mjs`). */
export interface GeneratorJob {
  mode: "ladder" | "storm" | "hold" | "events" | "resume";
  kind: ClientKind;
  urls: string[];
  /** Ordered room by room for `ladder`. */
  clients: JobClient[];
  /** Handshakes in flight at most. */
  connectWindow: number;
  serverPids: number[];
  roomSize?: number;
  steps?: number[];
  stepMs?: number;
  warmupMs?: number;
  drainMs?: number;
  p99LimitMs?: number;
  stopAtKnee?: boolean;
  retries?: number;
  /** `events`: profile changes per second. */
  rate?: number;
  /** `events`: length of the idle window measured before the changes. */
  idleMs?: number;
}

const script = new URL("load/generator.mjs", import.meta.url).pathname;
const NODE_FLAGS = ["--max-old-space-size=8192"];
let jobs = 0;

/**
 * Runs a `ladder`, `storm` or `events` job to its end and returns the generator's result object.
 * `onConnected` is called when a ladder's clients have all joined, before its load starts.
 */
export async function runGenerator<T>(
  job: GeneratorJob,
  options: { pinned: boolean; workDir: string; onConnected?: () => Promise<void> },
): Promise<T> {
  const file = `${options.workDir}/job-${jobs++}`;
  await Deno.writeTextFile(
    `${file}.json`,
    JSON.stringify({ ...job, resultPath: `${file}.out.json` }),
  );
  const child = spawnChild({
    command: ["node", ...NODE_FLAGS, script, `${file}.json`],
    core: options.pinned ? GENERATOR_CORE : undefined,
    stdout: options.onConnected ? "piped" : "null",
  });
  if (options.onConnected) {
    const lines = child.stdout.pipeThrough(new TextDecoderStream());
    let seen = "";
    for await (const chunk of lines) {
      seen += chunk;
      if (seen.includes("connected\n")) {
        await options.onConnected();
        break;
      }
    }
  }
  const status = await child.status;
  if (!status.success) throw new Error(`load generator failed (exit ${status.code})`);
  return JSON.parse(await Deno.readTextFile(`${file}.out.json`)) as T;
}

/** State reported by a `hold` generator after each slice. */
export interface HoldStatus {
  held: number;
  failed: number;
  lost: number;
}

/** A `hold` generator: keeps idle connections open and opens more on request. */
export class HoldGenerator {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: ReadableStreamDefaultReader<string>;
  #buffer = "";

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Starts a generator holding `job.clients` (none opened yet). */
  static async start(
    job: GeneratorJob,
    options: { pinned: boolean; workDir: string },
  ): Promise<HoldGenerator> {
    const file = `${options.workDir}/job-${jobs++}.json`;
    await Deno.writeTextFile(file, JSON.stringify({ ...job, mode: "hold" }));
    return new HoldGenerator(spawnChild({
      command: ["node", ...NODE_FLAGS, script, file],
      core: options.pinned ? GENERATOR_CORE : undefined,
      stdin: "piped",
      stdout: "piped",
    }));
  }

  /** Opens `count` more connections (joined to their rooms); resolves with the totals. */
  async open(count: number): Promise<HoldStatus> {
    await this.#writer.write(new TextEncoder().encode(`open ${count}\n`));
    for (;;) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        const [, held, , failed, , lost] = line.split(" ");
        return { held: Number(held), failed: Number(failed), lost: Number(lost) };
      }
      const { value, done } = await this.#lines.read();
      if (done) throw new Error("hold generator ended");
      this.#buffer += value;
    }
  }

  /** Closes every connection and ends the process. */
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("exit\n")).catch(() => {});
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => stopChild(this.#child), 20_000);
    await this.#child.status;
    clearTimeout(timer);
    await this.#lines.cancel().catch(() => {});
  }
}
