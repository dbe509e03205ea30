/**
 * The run's one table (a Markdown table, readable in a terminal too) and the target list.
 *
 * @module
 */
import {
  type BenchResults,
  cpuCostOf,
  type Knee,
  kneeOf,
  ok,
  type ServerResults,
  stepAt,
} from "./results.ts";
import { fmt } from "./targets.ts";

/** The main table: one row per server. */
export function serverTable(results: Omit<BenchResults, "targets">, targetRate: number): string {
  const header = [
    "server",
    "persists",
    "cores",
    "(a) knee deliveries/s",
    "(a) p99 at knee",
    `(a) p99 at ${fmt(targetRate / 1000)}k`,
    "(b) max deliveries/s",
    "(c) max deliveries/s",
    "(d) connects/s",
    "(e) KiB per idle conn",
    "(a) server CPU µs/delivery (≈ per core)",
    "(a) CPU s server / gen",
    "(u) user events: server µs/event, p50 / p99",
  ];
  const rows = results.servers.map((server) => row(server, targetRate));
  return markdown(header, rows);
}

function row(server: ServerResults, targetRate: number): string[] {
  const cores = server.pinned ? "server 1, gen 1" : "2 shared";
  const start = [server.label, server.persists ? "yes (KV)" : "no", cores];
  if (server.skipped) {
    return [...start, `skipped: ${server.skipped}`, "", "", "", "", "", "", "", "", ""];
  }
  const cost = cpuCostOf(server.ladders.a);
  const a = kneeOf(server.ladders.a);
  const at = stepAt(server.ladders.a, targetRate);
  const ladderA = server.ladders.a;
  const storm = server.storm;
  const idle = server.idle;
  const cpu = ok(ladderA) && ladderA.serverCpuSeconds !== undefined
    ? `${ladderA.serverCpuSeconds.toFixed(1)} / ${ladderA.generatorCpuSeconds!.toFixed(1)}`
    : "—";
  return [
    ...start,
    kneeText(a),
    a.delivered > 0 ? `${a.p99Ms.toFixed(1)} ms` : "—",
    at
      ? `${at.latency.p99Ms.toFixed(1)} ms${at.lost > 0 ? `, ${fmt(at.lost)} lost` : ""}${
        at.valid ? "" : " (void)"
      }`
      : "not reached",
    server.ladders.b ? kneeText(kneeOf(server.ladders.b)) : "—",
    server.ladders.c ? kneeText(kneeOf(server.ladders.c)) : "—",
    ok(storm)
      ? `${fmt(storm.perSecond)}${storm.failed > 0 ? ` (${storm.failed} failed)` : ""}${
        storm.backgroundCpu > 0.25 ? " (busy box)" : ""
      }`
      : storm
      ? `error`
      : "—",
    ok(idle)
      ? idle.levels.map((level) =>
        `${level.kibPerConnection.toFixed(1)}${level.failed > 0 ? "!" : ""}`
      ).join(" / ")
      : idle
      ? "error"
      : "—",
    cost ? `${cost.microsPerDelivery.toFixed(1)} (≈ ${fmt(cost.perCore)}/s)` : "—",
    cpu,
    userEventsText(server.userEvents),
  ];
}

/** Scenario (u) in one cell: CPU per change (net of idle), delivery latency, missing ones. */
export function userEventsText(result: ServerResults["userEvents"]): string {
  if (!result) return "—";
  if (!ok(result)) return "error";
  if (result.failed > 0) return `${fmt(result.failed)} connections failed`;
  const missing = result.missing > 0 ? `, ${fmt(result.missing)} missing` : "";
  const refused = result.failedRequests > 0 ? `, ${fmt(result.failedRequests)} refused` : "";
  return `${result.netServerMicrosPerEvent.toFixed(0)}, ${result.latency.p50Ms.toFixed(1)} / ` +
    `${result.latency.p99Ms.toFixed(1)} ms${missing}${refused}`;
}

/**
 * A knee as text: `≥` marks a lower bound, `<` a ladder whose first step failed, `void` one
 * whose first step could not be measured (generator saturated or machine busy).
 */
export function kneeText(knee: Knee): string {
  if (knee.bound === "none") {
    return knee.void ? "void" : knee.note.startsWith("next step") ? "< first step" : "error";
  }
  return `${knee.bound === "at-least" ? "≥ " : ""}${fmt(knee.delivered)}`;
}

/** The targets as a table. */
export function targetTable(results: BenchResults): string {
  return markdown(
    ["target", "goal", "measured", "result"],
    results.targets.map((target) => [
      target.name,
      target.goal,
      target.note ? `${target.measured} (${target.note})` : target.measured,
      target.status,
    ]),
  );
}

/** Why each ladder ended, per server and scenario: the notes behind `≥` and `<` cells. */
export function ladderNotes(results: Omit<BenchResults, "targets">): string[] {
  const notes: string[] = [];
  for (const server of results.servers) {
    for (const key of ["a", "b", "c"] as const) {
      const ladder = server.ladders[key];
      if (!ladder) continue;
      const knee = kneeOf(ladder);
      notes.push(`${server.name} (${key}): ${knee.note}`);
    }
  }
  return notes;
}

function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (cell ?? "").padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}
