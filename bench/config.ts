/**
 * The benchmark's sizes and durations: the default (full) run, about 15 minutes on 2 cores,
 * and `--quick`, about 2 minutes, for smoke runs.
 *
 * @module
 */
import type { Layout } from "./layout.ts";

/** A load ladder: clients in rooms, and the offered deliveries per second to step through. */
export interface ScenarioConfig {
  /** Key in the results: `a`, `b` or `c`. */
  key: "a" | "b" | "c";
  title: string;
  layout: Layout;
  /** Offered deliveries per second (sends per second × room size), ascending. */
  steps: number[];
  stepMs: number;
  warmupMs: number;
  drainMs: number;
  p99LimitMs: number;
  /** Extra tries of a void step (generator saturated, machine busy). */
  retries: number;
}

/** The user-events scenario (u): see `load/user_events.mjs`. */
export interface UserEventsConfig {
  /** Its users are seeded past every other layout's (`run.ts` sets the offset). */
  layout: Layout;
  /** Profile changes per second. */
  rate: number;
  stepMs: number;
  /** Server CPU is read over this long with every client connected and nothing sent. */
  idleMs: number;
  drainMs: number;
}

/** Everything one benchmark run does. */
export interface BenchConfig {
  mode: "full" | "quick";
  ladders: ScenarioConfig[];
  /** Offered rate of the "p99 at 100,000 deliveries/s" target; one of scenario (a)'s steps. */
  targetRate: number;
  storm: { layout: Layout; window: number };
  idle: { layout: Layout; levels: number[]; perProcess: number; settleMs: number };
  /** Scenario (u): profile changes sent live to the sockets of each user's small room. */
  userEvents: UserEventsConfig;
  history: { messages: number; pages: number; pageSize: number };
  /** How long each CPU profile of our server runs. */
  profileMs: number;
  /** Loads under which our server is profiled: a ladder and an offered rate; none in quick. */
  profiles: { key: "a" | "b" | "c"; offered: number }[];
}

/** Offered deliveries/s of scenario (a): 10,000/s apart up to 60,000, then wider to 250,000. */
const STEPS_A = [
  10_000,
  20_000,
  30_000,
  40_000,
  50_000,
  60_000,
  80_000,
  100_000,
  125_000,
  150_000,
  200_000,
  250_000,
];

/** Builds the configuration of a run. */
export function benchConfig(quick: boolean): BenchConfig {
  const stepMs = quick ? 2_000 : 5_000;
  const shortStepMs = quick ? 2_000 : 3_000;
  const common = {
    warmupMs: quick ? 1_000 : 2_000,
    drainMs: 3_000,
    p99LimitMs: 100,
    retries: quick ? 0 : 2,
  };
  return {
    mode: quick ? "quick" : "full",
    ladders: [
      {
        key: "a",
        title: "(a) 1,000 clients, 10 rooms of 100",
        layout: { prefix: "bench-a", clients: 1_000, roomSize: 100 },
        steps: quick ? [20_000, 100_000] : STEPS_A,
        stepMs,
        ...common,
      },
      {
        key: "b",
        title: "(b) 5,000 clients, 2,500 rooms of 2",
        layout: { prefix: "bench-b", clients: quick ? 1_000 : 5_000, roomSize: 2 },
        steps: quick
          ? [2_000, 10_000]
          : [1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 40_000, 80_000],
        stepMs: shortStepMs,
        ...common,
      },
      {
        key: "c",
        title: "(c) 1,000 clients in one room",
        layout: { prefix: "bench-c", clients: 1_000, roomSize: 1_000 },
        steps: quick ? [50_000] : [10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000],
        stepMs: shortStepMs,
        ...common,
      },
    ],
    targetRate: 100_000,
    storm: {
      layout: { prefix: "bench-d", clients: quick ? 300 : 3_000, roomSize: 100 },
      window: 200,
    },
    idle: {
      layout: { prefix: "bench-e", clients: quick ? 1_000 : 15_000, roomSize: 100 },
      levels: quick ? [500, 1_000] : [1_000, 5_000, 15_000],
      perProcess: 8_000,
      settleMs: quick ? 1_000 : 2_000,
    },
    // 8,000 sockets: the hub held that many peers when a user's sockets were found by a pass
    // over all of them (one generator process stays under its 20,000 file descriptors). Rooms of
    // 5: each change reaches 5 sockets. 200 changes/s keep the server under half a core.
    userEvents: {
      layout: { prefix: "bench-u", clients: quick ? 2_000 : 8_000, roomSize: 5 },
      rate: 200,
      stepMs: quick ? 3_000 : 10_000,
      idleMs: quick ? 2_000 : 5_000,
      drainMs: 3_000,
    },
    history: { messages: quick ? 100_000 : 1_000_000, pages: 100, pageSize: 50 },
    profileMs: 8_000,
    // (a) at the target rate: the fan-out path; (b) past its knee: the write path.
    profiles: quick ? [] : [{ key: "a", offered: 100_000 }, { key: "b", offered: 4_000 }],
  };
}
