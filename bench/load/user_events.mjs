/**
 * The open-loop load of the user-events scenario (u): every client sits in a small room, and
 * profile changes (`PATCH /api/me/profile`) are made at a fixed rate by the wall clock, senders
 * taken round robin across rooms. The server sends each change as a `user_event` frame to every
 * socket of the user and of their roommates, so each change is expected `roomSize` times. The
 * new status carries `u NUMBER SCHEDULED`: latency runs from the scheduled time to each
 * delivery. The server's CPU is read over an idle window first, so its cost per event can be
 * given net of the idle work (heartbeats) that every connection costs anyway.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { cpuSeconds, machineBusySeconds, ownCpuSeconds } from "./cpu.mjs";
import { Histogram } from "./histogram.mjs";
import { openLoop } from "./open_loop.mjs";

/** Requests in flight at most: past it the schedule lags, which voids the figures. */
const MAX_SOCKETS = 64;

/**
 * @typedef {object} UserEventsOptions
 * @property {number} roomSize Members per room; clients are ordered room by room.
 * @property {number} rate Profile changes per second.
 * @property {number} stepMs How long the rate is offered (after a warm-up of a quarter of it).
 * @property {number} idleMs Length of the idle window measured first.
 * @property {number} drainMs Longest wait for the last deliveries.
 * @property {number[]} serverPids Processes whose CPU counts as the server's.
 */

/**
 * Makes the profile changes. The returned `onUserEvent(event)` must be wired to every
 * client's `user_event` frames before `run()`.
 *
 * @param {{ url: string, cookie: string }[]} specs One per client, ordered room by room.
 * @param {UserEventsOptions} options
 */
export function createUserEvents(specs, options) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const size = options.roomSize;
  const rooms = specs.length / size;
  /** Senders interleaved across rooms: consecutive changes reach different rooms. */
  const order = [];
  for (let local = 0; local < size; local++) {
    for (let room = 0; room < rooms; room++) order.push(room * size + local);
  }
  let cursor = 0;
  let number = 0;
  /** First change of the measured window: late deliveries of the warm-up are not counted. */
  let measuredFrom = Infinity;
  const tally = { expected: 0, received: 0, histogram: new Histogram(), failed: 0 };
  const requests = new Histogram();

  /** Records one delivered `user_event`. */
  function onUserEvent(event) {
    if (event.kind !== "profile") return;
    const [tag, changed, scheduled] = event.profile.status.split(" ");
    if (tag !== "u" || Number(changed) < measuredFrom) return;
    tally.received++;
    tally.histogram.recordMs(performance.now() - Number(scheduled));
  }

  /** Changes the status of client `sender`'s user. */
  function change(sender, scheduled) {
    const spec = specs[sender];
    const body = JSON.stringify({ status: `u ${number++} ${scheduled.toFixed(3)}` });
    const target = new URL("/api/me/profile", spec.url);
    const request = http.request(target, {
      method: "PATCH",
      agent,
      headers: {
        Cookie: spec.cookie,
        Origin: target.origin,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      },
    }, (response) => {
      response.resume();
      response.on("end", () => {
        if (response.statusCode !== 200) tally.failed++;
        requests.recordMs(performance.now() - scheduled);
      });
    });
    request.on("error", () => tally.failed++);
    request.end(body);
  }

  /** Offers `rate` changes per second for `ms`; returns how many were made and the send lag. */
  function offer(ms) {
    return openLoop(options.rate, ms, (scheduled) => {
      change(order[cursor++ % order.length], scheduled);
    });
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const sample = () => ({
    server: cpuSeconds(options.serverPids),
    own: ownCpuSeconds(),
    machine: machineBusySeconds(),
    at: performance.now(),
  });

  return {
    onUserEvent,
    /** Measures the idle window, warms up, then offers the rate; returns the figures. */
    async run() {
      const idle0 = sample();
      await sleep(options.idleMs);
      const idle1 = sample();
      const idleSeconds = (idle1.at - idle0.at) / 1000;
      await offer(options.stepMs / 4);
      await sleep(500);
      measuredFrom = number;
      const cpu0 = sample();
      const { sent, lag } = await offer(options.stepMs);
      const cpu1 = sample();
      tally.expected = sent * size;
      const deadline = performance.now() + options.drainMs;
      while (tally.received < tally.expected && performance.now() < deadline) await sleep(10);
      measuredFrom = Infinity;
      const seconds = (cpu1.at - cpu0.at) / 1000;
      const serverCpuSeconds = cpu1.server - cpu0.server;
      const idleServerCpu = (idle1.server - idle0.server) / idleSeconds;
      const serverCpu = serverCpuSeconds / seconds;
      const generatorCpu = (cpu1.own - cpu0.own) / seconds;
      agent.destroy();
      return {
        clients: specs.length,
        roomSize: size,
        rate: options.rate,
        sent,
        expected: tally.expected,
        received: tally.received,
        missing: tally.expected - tally.received,
        failedRequests: tally.failed,
        latency: tally.histogram.summary(),
        requestLatency: requests.summary(),
        sendLagP99Ms: lag.percentileMs(99),
        idleServerCpu,
        serverCpu,
        generatorCpu,
        backgroundCpu: Math.max(
          0,
          (cpu1.machine - cpu0.machine) / seconds - serverCpu - generatorCpu,
        ),
        serverCpuSeconds,
        serverMicrosPerEvent: (serverCpuSeconds * 1e6) / sent,
        netServerMicrosPerEvent: ((serverCpuSeconds - idleServerCpu * seconds) * 1e6) / sent,
      };
    },
  };
}
