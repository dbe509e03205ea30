/**
 * The load generator, a Node process of its own: `node generator.mjs JOB.json`. The job names
 * the server kind, its URLs, the clients (room, cookie) and the mode:
 *
 * - `ladder`: connect and join every client, then the stepped open-loop load of `ladder.mjs`;
 * - `storm`: open every client as fast as a bounded handshake window allows, timing it;
 * - `events`: connect and join every client, then the profile changes of `user_events.mjs`;
 * - `resume`: every client connects at once (within the handshake window) and subscribes with
 *   `after`, as after a server restart; timed until the last one has its `expected` missed
 *   messages;
 * - `hold`: idle connections, opened in slices on request: each stdin line `open N` opens N
 *   more and answers `held TOTAL` on stdout; `exit` closes them and ends the process.
 *
 * The result (ladder, storm, resume and events) is written as JSON to `job.resultPath`. Progress goes to stderr;
 * a ladder prints `connected` on stdout once every client has joined, before the load starts.
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { createInterface } from "node:readline";
import { connectAll } from "./connect_all.mjs";
import { cpuSeconds, machineBusySeconds, ownCpuSeconds } from "./cpu.mjs";
import { createLadder } from "./ladder.mjs";
import { createUserEvents } from "./user_events.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const health = { lost: 0, errors: /** @type {string[]} */ ([]) };
const specs = job.clients.map((client, i) => ({
  url: job.urls[i % job.urls.length],
  cookie: client.cookie,
  room: client.room,
  index: client.index ?? i,
  after: client.after,
  expected: client.expected ?? 0,
}));
const quietEvents = () => ({
  onDelivery() {},
  onLost() {
    health.lost++;
  },
  onError(message) {
    health.errors.push(message);
  },
});

if (job.mode === "ladder") await ladder();
else if (job.mode === "storm") await storm();
else if (job.mode === "events") await userEvents();
else if (job.mode === "hold") await hold();
else if (job.mode === "resume") await resume();
else throw new Error(`unknown mode ${job.mode}`);
process.exit(0);

async function ladder() {
  const cpu0 = { server: cpuSeconds(job.serverPids), own: ownCpuSeconds() };
  const started = performance.now();
  // Deliveries before the ladder exists (there are none: nothing is sent yet) are dropped.
  const sink = { onDelivery: (_index) => {} };
  const { clients, failures } = await connectAll(job.kind, specs, {
    window: job.connectWindow,
    join: true,
    events: (index) => ({ ...quietEvents(), onDelivery: () => sink.onDelivery(index) }),
  });
  const connectMs = performance.now() - started;
  if (failures.length > 0) {
    finish({ connectMs, failures: failures.slice(0, 5), failed: failures.length, steps: [] });
    return;
  }
  const run = createLadder(
    /** @type {import("./adapters.mjs").BenchClient[]} */ (clients),
    specs.map((spec) => spec.room),
    job,
    health,
  );
  sink.onDelivery = run.onDelivery;
  // Tells a profiler watching stdout that the load (not the connecting) starts now.
  process.stdout.write("connected\n");
  const steps = await run.run();
  for (const client of clients) client?.close();
  finish({
    connectMs,
    failed: 0,
    steps,
    serverCpuSeconds: cpuSeconds(job.serverPids) - cpu0.server,
    generatorCpuSeconds: ownCpuSeconds() - cpu0.own,
  });
}

async function userEvents() {
  const started = performance.now();
  const sink = { onUserEvent: (_event) => {} };
  const { clients, failures } = await connectAll(job.kind, specs, {
    window: job.connectWindow,
    join: true,
    events: () => ({ ...quietEvents(), onUserEvent: (event) => sink.onUserEvent(event) }),
  });
  const connectMs = performance.now() - started;
  if (failures.length > 0) {
    finish({ connectMs, failures: failures.slice(0, 5), failed: failures.length });
    return;
  }
  const run = createUserEvents(specs, job);
  sink.onUserEvent = run.onUserEvent;
  const result = await run.run();
  for (const client of clients) client?.close();
  finish({ connectMs, failed: 0, ...result, errors: health.errors.slice(0, 5) });
}

async function storm() {
  const sample = () => ({
    server: cpuSeconds(job.serverPids),
    own: ownCpuSeconds(),
    machine: machineBusySeconds(),
  });
  const cpu0 = sample();
  const started = performance.now();
  const { clients, failures } = await connectAll(job.kind, specs, {
    window: job.connectWindow,
    join: false,
    events: quietEvents,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = sample();
  for (const client of clients) client?.close();
  const serverCpu = (cpu1.server - cpu0.server) / seconds;
  const generatorCpu = (cpu1.own - cpu0.own) / seconds;
  const opened = specs.length - failures.length;
  finish({
    connections: opened,
    failed: failures.length,
    failures: failures.slice(0, 5),
    seconds,
    perSecond: opened / seconds,
    serverCpu,
    generatorCpu,
    backgroundCpu: Math.max(0, (cpu1.machine - cpu0.machine) / seconds - serverCpu - generatorCpu),
    serverCpuSeconds: cpu1.server - cpu0.server,
    generatorCpuSeconds: cpu1.own - cpu0.own,
  });
}

async function resume() {
  const cpu0 = { server: cpuSeconds(job.serverPids), own: ownCpuSeconds() };
  const started = performance.now();
  const received = new Array(specs.length).fill(0);
  let complete = 0;
  /** Clients that must complete: all, then those that connected. */
  let target = specs.length;
  let lastDoneMs = 0;
  /** @type {() => void} */
  let allDone = () => {};
  const done = new Promise((resolve) => allDone = resolve);
  const { clients, failures } = await connectAll(job.kind, specs, {
    window: job.connectWindow,
    join: true,
    events: (index) => ({
      ...quietEvents(),
      onDelivery() {
        if (++received[index] !== specs[index].expected) return;
        lastDoneMs = performance.now() - started;
        if (++complete === target) allDone();
      },
    }),
  });
  const connectMs = performance.now() - started;
  target = specs.length - failures.length;
  if (complete < target) {
    let timer;
    await Promise.race([done, new Promise((resolve) => timer = setTimeout(resolve, job.drainMs))]);
    clearTimeout(timer);
  }
  const cpu1 = { server: cpuSeconds(job.serverPids), own: ownCpuSeconds() };
  for (const client of clients) client?.close();
  finish({
    clients: specs.length,
    failed: failures.length,
    failures: failures.slice(0, 5),
    incomplete: specs.length - failures.length - complete,
    connectMs,
    lastResumedMs: lastDoneMs,
    messages: received.reduce((sum, n) => sum + n, 0),
    serverCpuSeconds: cpu1.server - cpu0.server,
    generatorCpuSeconds: cpu1.own - cpu0.own,
  });
}

async function hold() {
  /** @type {(import("./adapters.mjs").BenchClient | undefined)[]} */
  const held = [];
  let failed = 0;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, count] = line.trim().split(" ");
    if (command === "exit") break;
    if (command !== "open") continue;
    const slice = specs.slice(held.length, held.length + Number(count));
    const { clients, failures } = await connectAll(job.kind, slice, {
      window: job.connectWindow,
      join: true,
      events: quietEvents,
    });
    held.push(...clients);
    failed += failures.length;
    process.stdout.write(`held ${held.length - failed} failed ${failed} lost ${health.lost}\n`);
  }
  for (const client of held) client?.close();
}

function finish(result) {
  writeFileSync(job.resultPath, JSON.stringify({ ...result, lost: health.lost }, null, 1));
}
