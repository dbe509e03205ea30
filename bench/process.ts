/**
 * Child processes of the benchmark: every server and generator is started through `sh` so its
 * soft file-descriptor limit can be raised to the hard limit, and through `taskset` when it is
 * pinned to a core. Also reads a process's resident memory from `/proc`.
 *
 * @module
 */

/** Core of the pinned servers; the generator gets {@linkcode GENERATOR_CORE}. */
export const SERVER_CORE = 0;
/** Core of the pinned load generator. */
export const GENERATOR_CORE = 1;

/** What {@linkcode spawnChild} needs. */
export interface ChildOptions {
  /** Program and arguments. */
  command: string[];
  /** Core to pin to, or none. */
  core?: number;
  cwd?: string | URL;
  env?: Record<string, string>;
  stdin?: "piped" | "null";
  stdout?: "piped" | "null" | "inherit";
  stderr?: "piped" | "null" | "inherit";
  /** Appends the child's stdout and stderr to this file instead. */
  logFile?: string;
}

/**
 * Nice value of every server and generator: this box is shared with other work, and a higher
 * priority keeps that work from stealing the measured processes' cores (needs root; without
 * it `nice` keeps the default priority and says so on stderr).
 */
export const BENCH_NICE = -15;

const children = new Set<Deno.ChildProcess>();

/**
 * Starts a child with the raised fd limit and {@linkcode BENCH_NICE}, pinned when asked. Its
 * pid is the program's own.
 */
export function spawnChild(options: ChildOptions): Deno.ChildProcess {
  const pin = options.core === undefined ? [] : ["taskset", "-c", String(options.core)];
  const nice = ["nice", "-n", String(BENCH_NICE)];
  const log = options.logFile ? ' >>"$BENCH_LOG" 2>&1' : "";
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"${log}`,
      "sh",
      ...nice,
      ...pin,
      ...options.command,
    ],
    cwd: options.cwd,
    env: { ...options.env, ...(options.logFile ? { BENCH_LOG: options.logFile } : {}) },
    stdin: options.stdin ?? "null",
    stdout: options.stdout ?? "null",
    stderr: options.stderr ?? "inherit",
  }).spawn();
  children.add(child);
  child.status.then(() => children.delete(child));
  return child;
}

/** Kills every child still running (on an interrupted run). */
export function killChildren(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already ended
    }
  }
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, and waits for the end. */
export async function stopChild(child: Deno.ChildProcess, graceMs = 5_000): Promise<void> {
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // already ended
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), graceMs);
  await child.status;
  clearTimeout(timer);
}

/** Resident set size of a process in KiB (`VmRSS`), or 0 when it has ended. */
export function rssKib(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** CPU seconds the whole machine has spent busy so far (`/proc/stat`, every core). */
export function machineBusySeconds(): number {
  const line = Deno.readTextFileSync("/proc/stat").split("\n", 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(
    Number,
  );
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/**
 * Waits, at most `maxMs`, for a second in which other processes keep less than `limit` of a
 * core busy (this is a shared machine). Returns the last second's busy cores.
 */
export async function waitForQuiet(maxMs: number, limit = 0.25): Promise<number> {
  const deadline = Date.now() + maxMs;
  let busy = 0;
  for (let first = true;; first = false) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    busy = machineBusySeconds() - before;
    if (busy < limit || Date.now() >= deadline) return busy;
    if (first) {
      console.log(`  waiting for other processes to quiet down (${(busy * 100).toFixed(0)}% CPU)…`);
    }
  }
}
