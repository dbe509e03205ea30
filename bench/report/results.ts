/**
 * The shape of a benchmark run's results (written to `bench/results/results.json`) and the
 * figures derived from them, such as the knee of a load ladder.
 *
 * @module
 */
import type { BundleResult } from "../bundle.ts";
import type { HistoryResult } from "../history.ts";
import type { MachineInfo } from "../machine.ts";
import type { ProfileResult } from "../profile.ts";
import type {
  IdleResult,
  LadderResult,
  StepResult,
  StormResult,
  UserEventsResult,
} from "../scenarios.ts";
import type { ServerName } from "../servers.ts";

/** A measurement, or why it could not be taken. */
export type Outcome<T> = T | { error: string };

/** True when an outcome holds a measurement. */
export function ok<T extends object>(outcome: Outcome<T> | undefined): outcome is T {
  return outcome !== undefined && !("error" in outcome);
}

/** Everything measured on one server. */
export interface ServerResults {
  name: ServerName;
  label: string;
  persists: boolean;
  pinned: boolean;
  /** Why the server was not measured at all. */
  skipped?: string;
  ladders: Partial<Record<"a" | "b" | "c", Outcome<LadderResult>>>;
  storm?: Outcome<StormResult>;
  idle?: Outcome<IdleResult>;
  /** Scenario (u), ours on one worker only: the other servers have no user events. */
  userEvents?: Outcome<UserEventsResult>;
}

/** A target of the issue, checked against this run. */
export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** UNSURE: a figure it depends on is a bound, not a measurement (see `note`). */
  status: "PASS" | "MISS" | "UNSURE";
  note?: string;
}

/** One benchmark run. */
export interface BenchResults {
  mode: "full" | "quick";
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  ladders: { key: string; title: string; steps: number[]; stepMs: number }[];
  servers: ServerResults[];
  history?: Outcome<HistoryResult>;
  bundle?: Outcome<BundleResult>;
  /** CPU profiles of our server, one per profiled load. */
  profiles: Outcome<ProfileResult>[];
  targets: Target[];
}

/** The highest rate a ladder sustained without loss and within the p99 limit. */
export interface Knee {
  /** Delivered messages per second at the knee; 0 when no step passed. */
  delivered: number;
  offered: number;
  p99Ms: number;
  /**
   * `exact`: the next step failed on its own merits; `at-least`: the ladder ended without a
   * valid failing step (top reached, or the next step was void); `none`: nothing passed.
   */
  bound: "exact" | "at-least" | "none";
  /** Why the ladder ended. */
  note: string;
  /** The ladder ended on a void step (generator saturated or machine busy), not a real failure. */
  void: boolean;
  /** Offered rate of the step that ended the ladder, when one did. */
  failedAt?: number;
}

/** Finds the knee of a ladder. */
export function kneeOf(ladder: Outcome<LadderResult> | undefined): Knee {
  if (!ok(ladder)) {
    const note = ladder?.error ?? "not run";
    return { delivered: 0, offered: 0, p99Ms: 0, bound: "none", note, void: false };
  }
  if (ladder.failed > 0) {
    const note = `${ladder.failed} connections failed: ${ladder.failures?.[0] ?? ""}`;
    return { delivered: 0, offered: 0, p99Ms: 0, bound: "none", note, void: false };
  }
  const firstFail = ladder.steps.findIndex((step) => !step.pass);
  const passed = firstFail < 0 ? ladder.steps : ladder.steps.slice(0, firstFail);
  const last = passed[passed.length - 1];
  const failure = firstFail < 0 ? undefined : ladder.steps[firstFail]!;
  const note = failure
    ? `next step ${failure.offered.toLocaleString("en")}/s: ${failure.reason}`
    : "top of the ladder";
  const ended = failure !== undefined && !failure.valid;
  const failedAt = failure?.offered;
  if (!last) {
    return { delivered: 0, offered: 0, p99Ms: 0, bound: "none", note, void: ended, failedAt };
  }
  return {
    delivered: last.deliveredPerSecond,
    offered: last.offered,
    p99Ms: last.latency.p99Ms,
    bound: failure?.valid ? "exact" : "at-least",
    note,
    void: ended,
    failedAt,
  };
}

/** The step of a ladder at exactly `offered` deliveries/s, when it ran. */
export function stepAt(
  ladder: Outcome<LadderResult> | undefined,
  offered: number,
): StepResult | undefined {
  return ok(ladder) ? ladder.steps.find((step) => step.offered === offered) : undefined;
}

/** Server CPU spent per delivery across a ladder, and the rate one core could carry at that cost. */
export interface CpuCost {
  /** Server CPU microseconds per delivered message (all steps without loss, void ones too). */
  microsPerDelivery: number;
  /** 1,000,000 / microsPerDelivery: deliveries/s one fully busy core would sustain. */
  perCore: number;
}

/**
 * The server's CPU cost per delivery in a ladder. CPU time is counted per process, so unlike
 * latency it holds up when other work shares the machine: the estimate behind the knee.
 */
export function cpuCostOf(ladder: Outcome<LadderResult> | undefined): CpuCost | undefined {
  if (!ok(ladder)) return undefined;
  const clean = ladder.steps.filter((step) => step.lost === 0 && step.received > 0);
  const received = clean.reduce((sum, step) => sum + step.received, 0);
  if (received === 0) return undefined;
  const seconds = clean.reduce((sum, step) => sum + step.serverCpuSeconds, 0);
  const micros = (seconds * 1e6) / received;
  return { microsPerDelivery: micros, perCore: 1e6 / micros };
}
