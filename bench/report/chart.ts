/**
 * The chart of scenario (a), hand-written SVG: server CPU (left) and p99 latency on a log scale
 * (right) against offered deliveries per second, one line per server. Every step delivered
 * all it was offered unless its point is hollow (a failing step: loss or p99 over 100 ms);
 * crossed points are void steps.
 *
 * @module
 */
import type { StepResult } from "../scenarios.ts";
import { type BenchResults, ok } from "./results.ts";

const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const W = 960;
const H = 420;
const PANEL = { top: 70, bottom: 360, width: 380 };

/** Renders the chart of scenario (a) as an SVG document. */
export function chartSvg(results: Omit<BenchResults, "targets">): string {
  const series = results.servers.flatMap((server, i) => {
    const ladder = server.ladders.a;
    return ok(ladder) && ladder.steps.length > 0
      ? [{ label: server.label, color: COLORS[i % COLORS.length]!, steps: ladder.steps }]
      : [];
  });
  const maxOffered = Math.max(
    100_000,
    ...series.flatMap((s) => s.steps.map((step) => step.offered)),
  );
  const xMax = niceCeil(maxOffered);
  const left = { x0: 70, x1: 70 + PANEL.width };
  const right = { x0: 560, x1: 560 + PANEL.width };
  const x = (panel: { x0: number; x1: number }, value: number) =>
    panel.x0 + (value / xMax) * (panel.x1 - panel.x0);
  const cpuMax = Math.max(
    1,
    Math.ceil(2 * Math.max(0, ...series.flatMap((s) => s.steps.map((step) => step.serverCpu)))) / 2,
  );
  const yCpu = (share: number) => PANEL.bottom - (share / cpuMax) * (PANEL.bottom - PANEL.top);
  const yLog = (ms: number) => {
    const clamped = Math.min(10_000, Math.max(1, ms));
    return PANEL.bottom - (Math.log10(clamped) / 4) * (PANEL.bottom - PANEL.top);
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${
      W / 2
    }" y="18" text-anchor="middle" font-size="14" font-weight="bold">(a) 1,000 clients in 10 rooms of 100 — ${results.mode} run, ${
      results.startedAt.slice(0, 10)
    }</text>`,
  );
  series.forEach((s, i) => {
    const lx = 70 + (i % 3) * 300;
    const ly = 36 + Math.floor(i / 3) * 14;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="14" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly - 4}">${escape(s.label)}</text>`);
  });
  // Axes and grid.
  for (const panel of [left, right]) {
    for (let tick = 0; tick <= 5; tick++) {
      const value = (xMax / 5) * tick;
      const px = x(panel, value);
      parts.push(
        `<line x1="${px}" y1="${PANEL.top}" x2="${px}" y2="${PANEL.bottom}" stroke="#eee"/>`,
      );
      parts.push(
        `<text x="${px}" y="${PANEL.bottom + 14}" text-anchor="middle">${value / 1000}k</text>`,
      );
    }
    parts.push(
      `<text x="${(panel.x0 + panel.x1) / 2}" y="${
        PANEL.bottom + 32
      }" text-anchor="middle">offered deliveries/s</text>`,
    );
    parts.push(
      `<line x1="${panel.x0}" y1="${PANEL.bottom}" x2="${panel.x1}" y2="${PANEL.bottom}" stroke="#333"/>`,
    );
    parts.push(
      `<line x1="${panel.x0}" y1="${PANEL.top}" x2="${panel.x0}" y2="${PANEL.bottom}" stroke="#333"/>`,
    );
  }
  for (let tick = 0; tick <= cpuMax * 4; tick++) {
    const share = tick / 4;
    parts.push(
      `<line x1="${left.x0}" y1="${yCpu(share)}" x2="${left.x1}" y2="${
        yCpu(share)
      }" stroke="#eee"/>`,
      `<text x="${left.x0 - 6}" y="${yCpu(share) + 4}" text-anchor="end">${share * 100}%</text>`,
    );
  }
  parts.push(
    `<text transform="translate(16 ${
      (PANEL.top + PANEL.bottom) / 2
    }) rotate(-90)" text-anchor="middle">server CPU (share of one core)</text>`,
  );
  for (const ms of [1, 10, 100, 1000, 10_000]) {
    parts.push(
      `<line x1="${right.x0}" y1="${yLog(ms)}" x2="${right.x1}" y2="${yLog(ms)}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${right.x0 - 6}" y="${yLog(ms) + 4}" text-anchor="end">${
        ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`
      }</text>`,
    );
  }
  for (const [ms, label] of [[100, "knee limit 100 ms"], [50, "target 50 ms"]] as const) {
    parts.push(
      `<line x1="${right.x0}" y1="${yLog(ms)}" x2="${right.x1}" y2="${
        yLog(ms)
      }" stroke="#999" stroke-dasharray="6 3"/>`,
    );
    parts.push(
      `<text x="${right.x1 - 4}" y="${yLog(ms) - 3}" text-anchor="end" fill="#666">${label}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(${right.x0 - 44} ${
      (PANEL.top + PANEL.bottom) / 2
    }) rotate(-90)" text-anchor="middle">p99 latency</text>`,
  );
  // Data.
  for (const s of series) {
    const leftPoints = s.steps.map((step) =>
      [x(left, step.offered), yCpu(step.serverCpu)] as const
    );
    const rightPoints = s.steps.map((step) =>
      [x(right, step.offered), yLog(step.latency.p99Ms)] as const
    );
    for (const points of [leftPoints, rightPoints]) {
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${
          points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
        }"/>`,
      );
      points.forEach(([px, py], i) => parts.push(marker(px, py, s.color, s.steps[i]!)));
    }
  }
  parts.push(
    `<text x="${W / 2}" y="${
      H - 8
    }" text-anchor="middle" fill="#666">filled: passed (all offered delivered, p99 ≤ 100 ms) · hollow: failed (loss or p99 over 100 ms) · cross: void (generator saturated or starved)</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function marker(px: number, py: number, color: string, step: StepResult): string {
  if (!step.valid) {
    return `<path d="M${px - 4},${py - 4}L${px + 4},${py + 4}M${px - 4},${py + 4}L${px + 4},${
      py - 4
    }" stroke="${color}" stroke-width="2"/>`;
  }
  return `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${
    step.pass ? color : "white"
  }" stroke="${color}" stroke-width="2"/>`;
}

function niceCeil(value: number): number {
  const step = 50_000;
  return Math.ceil(value / step) * step;
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
