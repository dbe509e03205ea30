/**
 * Where our server spends its CPU under load: a V8 CPU profile taken through the inspector
 * (`deno serve --inspect`, Chrome DevTools Protocol `Profiler.*`) while the generator offers a
 * fixed rate of scenario (a), summarized as self time per function and per source area, plus
 * the user/kernel split and the CPU of each thread from `/proc`.
 *
 * @module
 */
import type { ScenarioConfig } from "./config.ts";
import { runGenerator } from "./generator.ts";
import { roomOf } from "./layout.ts";
import { freePort } from "./process.ts";
import type { LadderResult, ScenarioContext } from "./scenarios.ts";
import { SERVERS, startServer } from "./servers.ts";

/** One line of the profile summary. */
export interface HotSpot {
  name: string;
  /** Share of the sampled time, 0–100. */
  percent: number;
}

/** Result of the profiling run. */
export interface ProfileResult {
  /** Title of the scenario whose load ran. */
  scenario: string;
  offered: number;
  seconds: number;
  /**
   * Seconds V8 sampled outside "(idle)": JavaScript, ops called from it and GC. V8 counts the
   * Rust side of Deno's event loop (socket writes and reads, KV I/O) as idle.
   */
  busySeconds: number;
  /** Seconds V8 sampled as "(idle)". */
  idleSeconds: number;
  /** Self time per function, as a share of the busy samples, the largest first. */
  functions: HotSpot[];
  /** Self time per area (our code by file, libraries, Deno's runtime, ops, GC), of busy. */
  areas: HotSpot[];
  /** Server CPU seconds in user and kernel mode during the run. */
  userSeconds: number;
  systemSeconds: number;
  /** CPU seconds per thread name (the main JS thread, tokio workers, V8 helpers…). */
  threads: { name: string; seconds: number }[];
  ladder: LadderResult;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Profiles our single-worker server while `scenario` is offered `offered` deliveries/s. */
export async function runProfile(
  scenario: ScenarioConfig,
  offered: number,
  ms: number,
  context: ScenarioContext,
  saveTo: string,
): Promise<ProfileResult> {
  const inspectPort = freePort();
  const spec = SERVERS.find((server) => server.name === "ours")!;
  const server = await startServer(spec, {
    ...context,
    denoFlags: [`--inspect=127.0.0.1:${inspectPort}`],
  });
  const pid = server.pids[0]!;
  try {
    const inspector = await Inspector.open(inspectPort);
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
    let threads0 = new Map<string, number>();
    let times0 = { user: 0, system: 0 };
    const ladder = await runGenerator<LadderResult>({
      mode: "ladder",
      kind: "chat",
      urls: server.urls,
      clients: Array.from({ length: scenario.layout.clients }, (_, i) => ({
        room: roomOf(scenario.layout, i),
        cookie: context.users[i]!.cookie,
      })),
      connectWindow: 200,
      serverPids: server.pids,
      roomSize: scenario.layout.roomSize,
      steps: [offered],
      stepMs: ms,
      warmupMs: 0,
      drainMs: scenario.drainMs,
      p99LimitMs: scenario.p99LimitMs,
      stopAtKnee: true,
    }, {
      pinned: true,
      workDir: context.workDir,
      // Profiling starts once every client has joined: the steady load, not the handshakes.
      async onConnected() {
        threads0 = threadTimes(pid);
        times0 = processTimes(pid);
        await inspector.call("Profiler.start");
      },
    });
    const { profile } = await inspector.call("Profiler.stop") as { profile: CpuProfile };
    const times1 = processTimes(pid);
    const threads1 = threadTimes(pid);
    inspector.close();
    await Deno.writeTextFile(saveTo, JSON.stringify(profile));
    const threads = [...threads1].map(([name, seconds]) => ({
      name,
      seconds: seconds - (threads0.get(name) ?? 0),
    })).filter((thread) => thread.seconds > 0.005).sort((a, b) => b.seconds - a.seconds);
    return {
      scenario: scenario.title,
      offered,
      seconds: ms / 1000,
      ...summarize(profile),
      userSeconds: times1.user - times0.user,
      systemSeconds: times1.system - times0.system,
      threads,
      ladder,
    };
  } finally {
    await server.stop();
  }
}

/** Self time per function and per area, as percentages of the busy (non-idle) samples. */
export function summarize(
  profile: CpuProfile,
): Pick<ProfileResult, "functions" | "areas" | "busySeconds" | "idleSeconds"> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!;
    const delta = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === "(idle)") {
      idle += delta;
      return;
    }
    total += delta;
    const file = shortUrl(frame.url);
    const name = `${frame.functionName || "(anonymous)"}${
      file ? ` ${file}:${frame.lineNumber + 1}` : ""
    }`;
    functions.set(name, (functions.get(name) ?? 0) + delta);
    areas.set(areaOf(frame), (areas.get(areaOf(frame)) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, time]) => ({
      name,
      percent: (100 * time) / total,
    }));
  return {
    busySeconds: total / 1e6,
    idleSeconds: idle / 1e6,
    functions: top(functions, 20),
    areas: top(areas, 14),
  };
}

function shortUrl(url: string): string {
  if (!url) return "";
  const npm = /\/npm\/[^/]+\/([^/]+)\/[^/]+\/(.*)$/.exec(url);
  if (npm) return `npm:${npm[1]}/${npm[2]}`;
  const own = /\/work\/[^/]+\/(.*)$/.exec(url) ??
    /^file:\/\/.*?\/((?:lib|routes|main)\S*)$/.exec(url);
  if (own) return own[1]!;
  return url.replace(/^ext:/, "ext:");
}

function areaOf(frame: { functionName: string; url: string }): string {
  if (!frame.url) {
    if (frame.functionName.startsWith("op_")) return `ops: ${frame.functionName.split("_")[1]}`;
    return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  }
  if (frame.url.startsWith("ext:")) return `deno runtime: ${frame.url.split("/")[1] ?? frame.url}`;
  const npm = /\/npm\/[^/]+\/([^/]+)\//.exec(frame.url);
  if (npm) return `npm: ${npm[1]}`;
  const own = /\/((?:lib|routes)\/[^/]+|main\.ts)$/.exec(frame.url);
  return own ? own[1]! : frame.url;
}

function processTimes(pid: number): { user: number; system: number } {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

function threadTimes(pid: number): Map<string, number> {
  const times = new Map<string, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[-\d]+$/, "");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      times.set(name, (times.get(name) ?? 0) + seconds);
    } catch {
      // thread ended
    }
  }
  return times;
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
export class Inspector {
  #socket: WebSocket;
  #next = 1;
  #pending = new Map<number, (result: unknown) => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.#pending.get(message.id)?.(message.result);
    };
  }

  /** Connects to the first target of the inspector on `port`. */
  static async open(port: number): Promise<Inspector> {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
      webSocketDebuggerUrl: string;
    }[];
    const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    return new Inspector(socket);
  }

  /** Calls a protocol method and resolves with its result. */
  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#socket.close();
  }
}
