/**
 * The open-loop load of scenarios (a) to (c): clients in rooms of equal size send at a fixed
 * rate scheduled by the wall clock (never after replies, so a slow server is not offered less:
 * no coordinated omission), stepping the rate up until the p99 latency passes the limit or a
 * delivery is missing. Latency runs from each message's scheduled send time to its delivery,
 * for every delivery; loss is counted per receiver from the senders' message numbers.
 *
 * @module
 */
import { performance } from "node:perf_hooks";
import process from "node:process";
import {
  cpuSeconds,
  machineBusySeconds,
  ownCpuSeconds,
  threadCpuSeconds,
  waitSeconds,
} from "./cpu.mjs";
import { Histogram } from "./histogram.mjs";
import { openLoop } from "./open_loop.mjs";
import { decoded, encodePayload } from "./payload.mjs";

/** Generator CPU share of one core at which a step is no longer trusted. */
export const GENERATOR_CPU_LIMIT = 0.95;
/**
 * 99th percentile of send lag (actual minus scheduled send time) at which a step is void: the
 * schedule fell behind by half the p99 limit. Smaller lags are not hidden: latency counts from
 * the scheduled time.
 */
export const SEND_LAG_LIMIT_MS = 50;
/** Share of a core other processes may use in the second before a retry. */
const QUIET_LIMIT = 0.25;
const QUIET_WAIT_MS = 10_000;
/**
 * A step is void as starved when the generator's main thread spent more than this share of it
 * runnable but waiting for a CPU while other processes (neither the server nor the generator)
 * kept more than {@linkcode OTHERS_LIMIT} of a core busy: other work on this shared box took
 * the core it was measuring with. (Waiting for the server itself, as when neither is pinned,
 * or for the generator's own helper threads is part of the measured setup.) The server's wait
 * is recorded, not judged.
 */
export const WAIT_LIMIT = 0.1;
/** Cores other processes may keep busy during a step before a wait counts as starvation. */
export const OTHERS_LIMIT = 0.1;

/**
 * @typedef {object} LadderOptions
 * @property {number} roomSize Members per room; clients are ordered room by room.
 * @property {number[]} steps Offered deliveries per second, ascending.
 * @property {number} stepMs How long each rate is offered.
 * @property {number} warmupMs Unrecorded warm-up at half the first rate.
 * @property {number} drainMs Longest wait for a step's last deliveries.
 * @property {number} p99LimitMs A step whose p99 is over this ends the ladder.
 * @property {boolean} stopAtKnee End the ladder at the first failing step.
 * @property {number} retries Extra tries of a void step (generator saturated, machine busy).
 * @property {number[]} serverPids Processes whose CPU counts as the server's.
 */

/**
 * Runs the ladder on connected, joined clients. The returned `onDelivery(clientIndex)` must be
 * wired to every client's deliveries before `run()`.
 *
 * @param {import("./adapters.mjs").BenchClient[]} clients
 * @param {string[]} rooms Room of each client.
 * @param {LadderOptions} options
 * @param {{ lost: number, errors: string[] }} health Connection losses and server errors.
 */
export function createLadder(clients, rooms, options, health) {
  const size = options.roomSize;
  const roomCount = clients.length / size;
  /** Last message number seen by each receiver from each sender of its room. */
  const lastSeen = clients.map(() => new Int32Array(size).fill(-1));
  const nextNumber = new Int32Array(clients.length);
  /** Senders interleaved across rooms so every room gets its share at every rate. */
  const order = [];
  for (let local = 0; local < size; local++) {
    for (let room = 0; room < roomCount; room++) order.push(room * size + local);
  }
  let cursor = 0;
  /** @type {{ received: number, duplicates: number, histogram: Histogram }[]} */
  const tallies = [];

  /** Records one delivery to client `index`, its payload in `decoded`. */
  function onDelivery(index) {
    const now = performance.now();
    const { local, number, step, scheduled } = decoded;
    const tally = tallies[step];
    const seen = lastSeen[index];
    if (!tally || number <= seen[local]) {
      if (tally) tally.duplicates++;
      return;
    }
    seen[local] = number;
    tally.received++;
    tally.histogram.recordMs(now - scheduled);
  }

  /** Offers `perSecond` sends for `ms`; returns the number sent and the send lag. */
  function offer(step, perSecond, ms, runId) {
    return openLoop(perSecond, ms, (scheduled) => {
      const sender = order[cursor++ % order.length];
      const number = nextNumber[sender]++;
      const local = sender % size;
      clients[sender].send(
        rooms[sender],
        encodePayload(local, number, step, scheduled),
        // The browser client's timed form (`lib/common/client_id.ts`, which this Node process
        // cannot import): `t`, the time in 9 base-36 digits, `_`, then anything unique.
        `t${Date.now().toString(36).padStart(9, "0")}_b${runId}-${sender}-${number}`,
      );
    });
  }

  /** Waits until every delivery of the step arrived, or `drainMs` passed. */
  async function drain(tally, expected) {
    const deadline = performance.now() + options.drainMs;
    while (tally.received < expected && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Runs one step at `offered` deliveries per second; returns its figures. */
  async function runStep(step, offered, ms, runId) {
    const tally = { received: 0, duplicates: 0, histogram: new Histogram() };
    tallies[step] = tally;
    const lostBefore = health.lost;
    const errorsBefore = health.errors.length;
    const sample = () => ({
      server: cpuSeconds(options.serverPids),
      own: ownCpuSeconds(),
      machine: machineBusySeconds(),
      serverWait: waitSeconds(options.serverPids.slice(0, 1)),
      ownWait: waitSeconds([process.pid]),
    });
    const threads0 = threadCpuSeconds(options.serverPids);
    const cpu0 = sample();
    const wall0 = performance.now();
    const { sent, lag } = await offer(step, offered / size, ms, runId);
    const windowSec = (performance.now() - wall0) / 1000;
    const cpu1 = sample();
    const expected = sent * size;
    await drain(tally, expected);
    const cpu2 = { server: cpuSeconds(options.serverPids), own: ownCpuSeconds() };
    const threads2 = threadCpuSeconds(options.serverPids);
    const latency = tally.histogram.summary();
    const generatorCpu = (cpu1.own - cpu0.own) / windowSec;
    const serverCpu = (cpu1.server - cpu0.server) / windowSec;
    const waited = (cpu1.ownWait - cpu0.ownWait) / windowSec;
    const serverWaited = (cpu1.serverWait - cpu0.serverWait) / windowSec;
    const backgroundCpu = Math.max(
      0,
      (cpu1.machine - cpu0.machine) / windowSec - generatorCpu - serverCpu,
    );
    const result = {
      offered,
      sendsPerSecond: offered / size,
      sent,
      expected,
      received: tally.received,
      lost: expected - tally.received,
      duplicates: tally.duplicates,
      deliveredPerSecond: tally.received / (ms / 1000),
      latency,
      sendLagP99Ms: lag.percentileMs(99),
      generatorCpu,
      serverCpu,
      backgroundCpu,
      waited,
      serverWaited,
      generatorCpuSeconds: cpu2.own - cpu0.own,
      serverCpuSeconds: cpu2.server - cpu0.server,
      serverThreadSeconds: Object.fromEntries(
        Object.entries(threads2).map(([key, value]) => [key, value - threads0[key]]),
      ),
      connectionsLost: health.lost - lostBefore,
      serverErrors: health.errors.slice(errorsBefore, errorsBefore + 5),
    };
    const saturated = generatorCpu >= GENERATOR_CPU_LIMIT;
    const behind = result.sendLagP99Ms > SEND_LAG_LIMIT_MS;
    const noisy = waited > WAIT_LIMIT && backgroundCpu > OTHERS_LIMIT;
    const valid = !saturated && !behind && !noisy;
    const pass = valid && result.lost === 0 && result.connectionsLost === 0 &&
      latency.p99Ms <= options.p99LimitMs;
    const reason = noisy
      ? `starved (the generator waited ${(waited * 100).toFixed(0)}% of the step for a CPU; ` +
        `other processes used ${(backgroundCpu * 100).toFixed(0)}% CPU)`
      : saturated
      ? `generator saturated (${(generatorCpu * 100).toFixed(0)}% CPU)`
      : behind
      ? `send schedule behind (lag p99 ${result.sendLagP99Ms.toFixed(1)} ms)`
      : result.lost > 0 || result.connectionsLost > 0
      ? `loss (${result.lost} deliveries, ${result.connectionsLost} connections)`
      : latency.p99Ms > options.p99LimitMs
      ? `p99 ${latency.p99Ms.toFixed(0)} ms > ${options.p99LimitMs} ms`
      : "";
    return { ...result, valid, pass, reason };
  }

  return {
    onDelivery,
    /** Runs the warm-up, then each step until the knee; returns every recorded step. */
    async run() {
      const runId = Date.now().toString(36);
      const first = options.steps[0];
      if (options.warmupMs > 0) await runStep(0, first / 2, options.warmupMs, runId);
      const results = [];
      let tally = 1;
      for (const offered of options.steps) {
        let step;
        for (let attempt = 0; attempt <= (options.retries ?? 0); attempt++) {
          step = {
            ...await runStep(tally++, offered, options.stepMs, runId),
            attempts: attempt + 1,
          };
          const percent = (share) => `${(share * 100).toFixed(0)}%`;
          const label = `${step.offered}/s: p99 ${step.latency.p99Ms.toFixed(1)} ms, lost ` +
            `${step.lost}, gen ${percent(step.generatorCpu)}, server ${percent(step.serverCpu)}, ` +
            `others ${percent(step.backgroundCpu)}, waited gen ${percent(step.waited)} server ` +
            `${percent(step.serverWaited)} ${step.reason}`;
          console.error(`  step ${label}`);
          if (step.valid) break;
          await waitForQuiet(options.serverPids);
        }
        results.push(step);
        if (!step.pass && options.stopAtKnee) break;
      }
      return results;
    },
  };
}

/** Waits, at most 10 s, for a second in which other processes use under a quarter of a core. */
async function waitForQuiet(serverPids) {
  const deadline = performance.now() + QUIET_WAIT_MS;
  do {
    const before = machineBusySeconds() - cpuSeconds(serverPids) - ownCpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const others = machineBusySeconds() - cpuSeconds(serverPids) - ownCpuSeconds() - before;
    if (others < QUIET_LIMIT) return;
  } while (performance.now() < deadline);
}
