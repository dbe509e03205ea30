/**
 * Checks the issue's targets against one run, each as a ratio to the peers measured in the
 * same run where the target is relative.
 *
 * @module
 */
import { type BenchResults, cpuCostOf, kneeOf, ok, stepAt, type Target } from "./results.ts";

const KB = 1024;

/** Every target with PASS, MISS or UNSURE. */
export function checkTargets(results: Omit<BenchResults, "targets">, targetRate: number): Target[] {
  const server = (name: string) => results.servers.find((entry) => entry.name === name);
  const kneeA = (name: string) => kneeOf(server(name)?.ladders.a);
  const ours = kneeA("ours");
  const targets: Target[] = [];

  const ratio = (
    name: string,
    peer: string,
    factor: number,
    subject: ReturnType<typeof kneeOf>,
  ) => {
    const other = kneeA(peer);
    const measured = other.delivered > 0
      ? `${fmt(subject.delivered)} vs ${fmt(other.delivered)} = ${
        (subject.delivered / other.delivered).toFixed(2)
      }×`
      : `${fmt(subject.delivered)} vs ${fmt(other.delivered)}`;
    // Each knee lies between its last passing step and the step that failed: a verdict is
    // sure only when it holds at both ends of both intervals (a void end is open).
    const low = (knee: typeof subject) => knee.delivered;
    const high = (knee: typeof subject) =>
      knee.void || knee.failedAt === undefined ? Infinity : knee.failedAt;
    const met = subject.delivered >= factor * other.delivered && subject.delivered > 0;
    const sure = met
      ? low(subject) >= factor * high(other) ||
        (subject.bound !== "none" && other.bound === "exact")
      : high(subject) <= factor * low(other) ||
        (subject.bound === "exact" && other.bound !== "none");
    targets.push({
      name,
      goal: `≥ ${factor}×`,
      measured,
      status: sure ? (met ? "PASS" : "MISS") : "UNSURE",
      note: sure ? undefined : `bounds only: ours ${subject.note}; peer ${other.note}`,
    });
  };
  ratio("(a) knee vs Socket.IO", "socketio", 1.5, ours);
  ratio("(a) knee vs bare Deno", "deno", 0.9, ours);
  const costRatio = (peer: string, factor: number) => {
    const mine = cpuCostOf(server("ours")?.ladders.a);
    const theirs = cpuCostOf(server(peer)?.ladders.a);
    targets.push({
      name: `(a) estimate: per-core capacity by CPU cost vs ${server(peer)?.label ?? peer}`,
      goal: `≥ ${factor}×`,
      measured: mine && theirs
        ? `${mine.microsPerDelivery.toFixed(1)} vs ${
          theirs.microsPerDelivery.toFixed(1)
        } µs/delivery = ` +
          `${(theirs.microsPerDelivery / mine.microsPerDelivery).toFixed(2)}×`
        : "not measured",
      status: mine && theirs && theirs.microsPerDelivery / mine.microsPerDelivery >= factor
        ? "PASS"
        : "MISS",
      note:
        "CPU time per delivery, robust to other load on the machine; not a latency-bounded knee",
    });
  };
  costRatio("socketio", 1.5);
  costRatio("deno", 0.9);

  const lossFree = ok(server("ours")?.ladders.a) && ours.delivered > 0;
  targets.push({
    name: "(a) zero loss up to the knee",
    goal: "0 lost",
    measured: lossFree ? `0 lost up to ${fmt(ours.delivered)}/s (${ours.note})` : ours.note,
    status: lossFree ? "PASS" : ours.void ? "UNSURE" : "MISS",
  });

  const at = stepAt(server("ours")?.ladders.a, targetRate);
  targets.push({
    name: `(a) p99 at ${fmt(targetRate)} deliveries/s offered`,
    goal: "≤ 50 ms",
    measured: at
      ? `p99 ${at.latency.p99Ms.toFixed(1)} ms, lost ${at.lost}${
        at.valid ? "" : ` (void: ${at.reason})`
      }`
      : `not reached (${ours.note})`,
    status: at && !at.valid
      ? "UNSURE"
      : at && at.latency.p99Ms <= 50 && at.lost === 0
      ? "PASS"
      : "MISS",
  });

  const idle = (name: string) => {
    const result = server(name)?.idle;
    return ok(result) ? result.levels[result.levels.length - 1] : undefined;
  };
  const ourIdle = idle("ours");
  const denoIdle = idle("deno");
  targets.push({
    name: "(e) idle memory per connection vs bare Deno",
    goal: "≤ 1.1×",
    measured: ourIdle && denoIdle
      ? `${ourIdle.kibPerConnection.toFixed(1)} vs ${
        denoIdle.kibPerConnection.toFixed(1)
      } KiB at ` +
        `${fmt(ourIdle.connections)} = ${
          (ourIdle.kibPerConnection / denoIdle.kibPerConnection).toFixed(2)
        }×`
      : "not measured",
    status: ourIdle && denoIdle && ourIdle.failed === 0 &&
        ourIdle.kibPerConnection <= 1.1 * denoIdle.kibPerConnection
      ? "PASS"
      : "MISS",
  });

  ratio("(a) --parallel (as shipped) knee vs 1 worker", "ours", 1.5, kneeA("ours-parallel"));

  const history = results.history;
  if (ok(history)) {
    for (
      const [label, times] of [["store", history.store], ["WebSocket", history.websocket]] as const
    ) {
      targets.push({
        name: `history page of ${history.pageSize} from ${
          fmt(history.messages)
        } messages (${label})`,
        goal: "median < 10 ms",
        measured: `median ${times.medianMs.toFixed(2)} ms, p90 ${
          times.p90Ms.toFixed(2)
        } ms (${times.pages} pages)`,
        status: times.medianMs < 10 && history.messages >= 1_000_000
          ? "PASS"
          : times.medianMs < 10
          ? "UNSURE"
          : "MISS",
        note: history.messages < 1_000_000 ? "quick run: fewer than 1,000,000 messages" : undefined,
      });
    }
  } else {
    targets.push({
      name: "history page",
      goal: "median < 10 ms",
      measured: history?.error ?? "not run",
      status: "MISS",
    });
  }

  const bundle = results.bundle;
  targets.push({
    name: "chat page island JS, gzipped",
    goal: "≤ 30 KB",
    measured: ok(bundle)
      ? `${(bundle.islandsGzipBytes / KB).toFixed(1)} KB (${bundle.islandsFile})`
      : bundle?.error ?? "not run",
    status: ok(bundle) && bundle.islandsGzipBytes <= 30 * KB ? "PASS" : "MISS",
  });
  return targets;
}

/** Formats a rate or count with thousands separators. */
export function fmt(value: number): string {
  return Math.round(value).toLocaleString("en");
}
