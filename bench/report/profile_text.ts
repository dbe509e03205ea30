/**
 * The profile of our server as Markdown: CPU per thread, user/kernel split, and the hottest
 * functions and areas of the V8 profile.
 *
 * @module
 */
import type { ProfileResult } from "../profile.ts";
import { ok, type Outcome } from "./results.ts";

/** Renders the profiling run, or why it is missing. */
export function profileText(profile: Outcome<ProfileResult>): string {
  if (!ok(profile)) return `Profile: failed (${profile.error}).`;
  const step = profile.ladder.steps[0];
  const load = step
    ? `p99 ${
      step.latency.p99Ms.toFixed(1)
    } ms, ${step.lost} deliveries not arrived by the end of the drain, server ${
      (step.serverCpu * 100).toFixed(0)
    }% of a core` +
      `${step.valid ? "" : ` (void: ${step.reason})`}`
    : "no step ran";
  const cpu = profile.userSeconds + profile.systemSeconds;
  const lines = [
    `Profile of ours (1 worker), ${profile.scenario}, at ${
      profile.offered.toLocaleString("en")
    } deliveries/s offered for ${profile.seconds} s (${load}).`,
    "",
    `- Server CPU: ${cpu.toFixed(2)} s, ${profile.userSeconds.toFixed(2)} s user + ${
      profile.systemSeconds.toFixed(2)
    } s kernel ` +
    `(${((100 * profile.systemSeconds) / cpu).toFixed(0)}% kernel: socket writes and reads).`,
    `- Threads: ${
      profile.threads.map((thread) => `${thread.name} ${thread.seconds.toFixed(2)} s`).join(", ")
    }.`,
    `- V8 samples: ${profile.busySeconds.toFixed(2)} s busy (JavaScript, ops, GC), ${
      profile.idleSeconds.toFixed(2)
    } s "idle" ` +
    "(waiting, or Deno's Rust event loop doing socket and KV I/O outside V8).",
    "",
    "| hottest functions (self time, share of busy samples) | % |",
    "|---|---|",
    ...profile.functions.slice(0, 15).map((spot) =>
      `| ${spot.name} | ${spot.percent.toFixed(1)} |`
    ),
    "",
    "| by area | % |",
    "|---|---|",
    ...profile.areas.map((spot) => `| ${spot.name} | ${spot.percent.toFixed(1)} |`),
  ];
  return lines.join("\n");
}
