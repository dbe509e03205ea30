/**
 * `deno task bench [--quick]`: starts each server, drives it with the same load generator,
 * prints one table with the targets, and writes `results.json`, `results.md` and `chart.svg`
 * to `bench/results/` (`bench/results/quick/` for `--quick`). See `BENCHMARKS.md`.
 *
 * `deno task bench --only user-events [--quick] [--against DIR] [--rounds N]` runs scenario (u)
 * alone on our server (see `user_events_only.ts`).
 *
 * `deno task bench --only storm [--quick] [--rounds N] [--against DIR] [--profile] [--idle N]
 * [--friends F]` runs the connect storm (d) alone, the idle memory (e) at N connections with
 * `--idle`, and users with F friends each with `--friends` (see `storm_only.ts`).
 *
 * `deno task bench --only resume [--clients N] [--rooms R] [--missed M] [--against DIR]`: every
 * client of a restarted server reconnects and resumes with `after` at once (see `resume.ts`).
 *
 * `deno task bench --only conversations [--conversations N] [--runs N] [--against DIR] [--spread]` times
 * the conversation list of a user in N conversations (see `conversations.ts`).
 *
 * `deno task bench --only search [--messages N] [--rooms R] [--member-of M] [--queries Q]
 * [--seed-seconds S] [--against DIR]`
 * runs the message search scenario alone, in process (see `search.ts`).
 *
 * `deno task bench --only search-queries --file F [--against DIR --against-file G]` times the
 * same two-word queries on seeded files, versions alternating (see `search_queries.ts`).
 *
 * `deno task bench --only search-merge [--messages N] [--rounds R] [--against DIR]` measures the
 * search index merge's CPU per message by merge size (see `search_merge.ts`).
 *
 * `deno task bench --only small-rooms [--against DIR] [--bare] [--rounds N] [--rates R,…]
 * [--clients N] [--step-ms MS] [--profile RATE]` runs scenario (b) alone (see `small_rooms.ts`);
 * `--only fan-out` with the same flags runs scenario (a), rooms of 100, every rate each round.
 *
 * `deno task bench --only store-append [--against DIR] [--rounds N] [--batch N] [--messages N]
 * [--rooms N] [--pace N] [--history N] [--keys]` measures the message store's CPU per message by thread, in process (see `store_append.ts`).
 *
 * `deno task bench --only e2e [--browser] [--devices N] [--messages M]` measures MLS commit, join,
 * encrypt and decrypt costs in process (see `e2e.ts`), or in Chromium (`e2e_browser.ts`).
 *
 * @module
 */
import { build } from "../scripts/build.ts";
import { measureBundle } from "./bundle.ts";
import { benchConfig } from "./config.ts";
import { runHistory } from "./history.ts";
import { loadAverage, machineInfo } from "./machine.ts";
import { type ProfileResult, runProfile } from "./profile.ts";
import { chartSvg } from "./report/chart.ts";
import type { BenchResults, Outcome, ServerResults } from "./report/results.ts";
import { profileText } from "./report/profile_text.ts";
import { ladderNotes, serverTable, targetTable } from "./report/table.ts";
import { checkTargets } from "./report/targets.ts";
import { runIdle, runLadder, runStorm, runUserEvents, type ScenarioContext } from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { hasRedisBroker, SERVERS } from "./servers.ts";
import { killChildren } from "./process.ts";
import { runUserEventsOnly } from "./user_events_only.ts";
import { runStormOnly } from "./storm_only.ts";
import { runResumeBench } from "./resume.ts";
import { runConversationsBench } from "./conversations.ts";
import { runSearchBench } from "./search.ts";
import { runSearchMerge } from "./search_merge.ts";
import { runSearchQueries } from "./search_queries.ts";
import { runSmallRooms } from "./small_rooms.ts";
import { runStoreAppend } from "./store_append.ts";
import { runE2eBench } from "./e2e.ts";
import { runE2eBrowserBench } from "./e2e_browser.ts";
import { runCallsBench } from "./calls.ts";

const quick = Deno.args.includes("--quick");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    killChildren();
    Deno.exit(130);
  });
}
const config = benchConfig(quick);
const only = flagValue("--only");
if (only === "search") {
  await runSearchBench({
    messages: Number(flagValue("--messages") ?? 1_000_000),
    rooms: Number(flagValue("--rooms") ?? 1_000),
    memberOf: Number(flagValue("--member-of") ?? 50),
    queries: Number(flagValue("--queries") ?? 200),
    ...(flagValue("--seed-seconds") ? { seedSeconds: Number(flagValue("--seed-seconds")) } : {}),
    ...(flagValue("--against") ? { against: flagValue("--against")! } : {}),
  });
  Deno.exit(0);
}
if (only === "search-merge") {
  const against = flagValue("--against");
  await runSearchMerge({
    messages: Number(flagValue("--messages") ?? 100_000),
    rounds: Number(flagValue("--rounds") ?? 2),
    ...(against ? { against } : {}),
  });
  Deno.exit(0);
}
if (only === "search-queries") {
  const against = flagValue("--against");
  const againstFile = flagValue("--against-file");
  const file = flagValue("--file");
  if (!file || (against && !againstFile)) {
    throw new Error("--only search-queries needs --file, and --against-file with --against");
  }
  await runSearchQueries({
    file,
    ...(against && againstFile ? { against: { dir: against, file: againstFile } } : {}),
    rounds: Number(flagValue("--rounds") ?? 3),
    queries: Number(flagValue("--queries") ?? 60),
    slowest: Number(flagValue("--slowest") ?? 0),
  });
  Deno.exit(0);
}
if (only === "store-append") {
  await runStoreAppend({
    rounds: Number(flagValue("--rounds") ?? 3),
    batch: Number(flagValue("--batch") ?? 40),
    messages: Number(flagValue("--messages") ?? 8_000),
    against: flagValue("--against"),
    keys: Deno.args.includes("--keys"),
    rooms: Number(flagValue("--rooms") ?? 500),
    pace: flagValue("--pace") ? Number(flagValue("--pace")) : undefined,
    history: Number(flagValue("--history") ?? 0),
  });
  Deno.exit(0);
}
if (only === "small-rooms" || only === "fan-out") {
  const profile = flagValue("--profile");
  const fanOut = only === "fan-out";
  const rates = fanOut ? "60000,80000,100000" : "2000,4000,6000,8000,10000,14000,20000";
  await runSmallRooms({
    clients: Number(flagValue("--clients") ?? 1_000),
    roomSize: fanOut ? 100 : Number(flagValue("--room-size") ?? 2),
    rates: (flagValue("--rates") ?? rates).split(",").map(Number),
    rounds: Number(flagValue("--rounds") ?? 2),
    stepMs: Number(flagValue("--step-ms") ?? (fanOut ? 5_000 : 4_000)),
    against: flagValue("--against"),
    bare: Deno.args.includes("--bare"),
    profileRate: profile === undefined ? undefined : Number(profile),
  });
  Deno.exit(0);
}
if (only === "e2e") {
  const e2eOptions = {
    devices: Number(flagValue("--devices") ?? 50),
    messages: Number(flagValue("--messages") ?? 200),
  };
  if (Deno.args.includes("--browser")) await runE2eBrowserBench(e2eOptions);
  else await runE2eBench(e2eOptions);
  Deno.exit(0);
}
if (only === "calls") {
  await runCallsBench({ rounds: Number(flagValue("--rounds") ?? 20) });
  Deno.exit(0);
}
if (only === "conversations") {
  await runConversationsBench({
    conversations: Number(flagValue("--conversations") ?? 2_000),
    runs: Number(flagValue("--runs") ?? 60),
    against: flagValue("--against"),
    spread: Deno.args.includes("--spread"),
  });
  Deno.exit(0);
}
if (only === "resume") {
  await build({ quiet: true });
  const number = (flag: string, fallback: number) => Number(flagValue(flag) ?? fallback);
  await runResumeBench({
    clients: number("--clients", 10_000),
    rooms: number("--rooms", 1_000),
    had: number("--had", 2),
    missed: number("--missed", 10),
    window: number("--window", 500),
    rounds: number("--rounds", 1),
    against: flagValue("--against"),
  });
  Deno.exit(0);
}
if (only === "storm") {
  await build({ quiet: true });
  await runStormOnly(config, {
    against: flagValue("--against"),
    rounds: Number(flagValue("--rounds") ?? 3),
    quick,
    profile: Deno.args.includes("--profile"),
    idle: Deno.args.includes("--idle") ? Number(flagValue("--idle")) || 5_000 : undefined,
    friends: Number(flagValue("--friends") ?? 0),
  });
  Deno.exit(0);
}
if (only !== undefined) {
  if (only !== "user-events") {
    throw new Error(
      `--only knows user-events, search, search-merge, search-queries, small-rooms, fan-out, store-append, e2e, calls, storm, resume ` +
        `and conversations, not ${only}`,
    );
  }
  const rounds = Number(flagValue("--rounds") ?? 3);
  // The full run builds while measuring the bundle; this one serves the same assets.
  await build({ quiet: true });
  await runUserEventsOnly(config, { against: flagValue("--against"), rounds, quick });
  Deno.exit(0);
}
const benchDir = new URL("./", import.meta.url).pathname;
const outDir = `${benchDir}results/${quick ? "quick/" : ""}`;
const started = new Date();
const t0 = performance.now();

await ensurePeerPackages();
const machine = await machineInfo();
console.log(
  `bench (${config.mode}) of ${machine.commit} on ${machine.cpu}, ${machine.cores} cores; ` +
    `load ${machine.loadStart}`,
);

const bundle = await attempt("bundle", measureBundle);
const workDir = await Deno.makeTempDir({ prefix: "chat-bench-" });
const layouts = [...config.ladders.map((ladder) => ladder.layout), config.idle.layout];
const sharedUsers = Math.max(
  ...layouts.map((layout) => layout.clients),
  config.storm.layout.clients,
);
// Scenario (u)'s users share no room with the others: every roommate receives each change.
const userEvents = {
  ...config.userEvents,
  layout: { ...config.userEvents.layout, offset: sharedUsers },
};
const userCount = sharedUsers + userEvents.layout.clients;
console.log(`seeding ${userCount.toLocaleString("en")} users with sessions…`);
const users = await seedChat(`${workDir}/seed.kv`, userCount, [...layouts, userEvents.layout]);
const context: ScenarioContext = {
  seedKv: `${workDir}/seed.kv`,
  workDir,
  users,
  quietWaitMs: quick ? 3_000 : 15_000,
};

const redis = await hasRedisBroker();
const servers: ServerResults[] = SERVERS.map((spec) => ({
  name: spec.name,
  label: spec.label,
  persists: spec.persists,
  pinned: spec.pinned,
  skipped: spec.name === "ours-redis" && !redis ? "no Redis broker" : undefined,
  ladders: {},
}));
const runnable = SERVERS.filter((_, i) => !servers[i]!.skipped);
const pinned = runnable.filter((spec) => spec.pinned);
const entry = (name: string) => servers.find((server) => server.name === name)!;

for (const ladder of config.ladders) {
  for (const spec of ladder.key === "a" ? runnable : pinned) {
    console.log(`${ladder.title} — ${spec.label}`);
    entry(spec.name).ladders[ladder.key] = await attempt(
      spec.name,
      () => runLadder(spec, ladder, context),
    );
  }
}
for (const spec of pinned) {
  console.log(`(d) connect storm of ${config.storm.layout.clients} — ${spec.label}`);
  entry(spec.name).storm = await attempt(
    spec.name,
    () => runStorm(spec, config.storm.layout, config.storm.window, context),
  );
}
for (const spec of pinned) {
  console.log(`(e) idle memory — ${spec.label}`);
  const { layout, levels, perProcess, settleMs } = config.idle;
  entry(spec.name).idle = await attempt(
    spec.name,
    () => runIdle(spec, layout, levels, perProcess, settleMs, context),
  );
}
{
  const ours = SERVERS.find((spec) => spec.name === "ours")!;
  console.log(`(u) user events — ${ours.label}`);
  entry("ours").userEvents = await attempt(
    "ours",
    () => runUserEvents(ours, userEvents, context),
  );
}
console.log(
  `history: pages of ${config.history.pageSize} from ${
    config.history.messages.toLocaleString("en")
  } messages`,
);
const history = await attempt("history", () => runHistory(config.history, workDir));
const profiles: Outcome<ProfileResult>[] = [];
for (const { key, offered } of config.profiles) {
  const ladder = config.ladders.find((candidate) => candidate.key === key)!;
  console.log(`profile: ours, ${ladder.title}, at ${offered.toLocaleString("en")} deliveries/s`);
  const saveTo = `${benchDir}.cache/server-${key}.cpuprofile`;
  profiles.push(
    await attempt("profile", () => runProfile(ladder, offered, config.profileMs, context, saveTo)),
  );
}

machine.loadEnd = await loadAverage();
const partial: Omit<BenchResults, "targets"> = {
  mode: config.mode,
  startedAt: started.toISOString(),
  durationSeconds: (performance.now() - t0) / 1000,
  machine,
  ladders: config.ladders.map(({ key, title, steps, stepMs }) => ({ key, title, steps, stepMs })),
  servers,
  history,
  bundle,
  profiles,
};
const results: BenchResults = { ...partial, targets: checkTargets(partial, config.targetRate) };
const table = serverTable(results, config.targetRate);
const targets = targetTable(results);
const profilesText = profiles.length > 0
  ? profiles.map(profileText).join("\n\n")
  : "Profile: not taken in this mode.";
const notes = ladderNotes(results).map((note) => `- ${note}`).join("\n");
await Deno.mkdir(outDir, { recursive: true });
await Deno.writeTextFile(`${outDir}results.json`, JSON.stringify(results, null, 1) + "\n");
await Deno.writeTextFile(`${outDir}chart.svg`, chartSvg(results));
await Deno.writeTextFile(
  `${outDir}results.md`,
  `${table}\n\nWhy each ladder ended:\n\n${notes}\n\n${targets}\n\n${profilesText}\n`,
);
console.log(`\n${table}\n\n${targets}\n\n${profilesText}\n`);
console.log(
  `wrote ${outDir}results.json, results.md, chart.svg in ${
    (results.durationSeconds / 60).toFixed(1)
  } min`,
);
await Deno.remove(workDir, { recursive: true }).catch(() => {});

/** The value after `name` in the arguments (`--only user-events`), if given. */
function flagValue(name: string): string | undefined {
  const at = Deno.args.indexOf(name);
  return at < 0 ? undefined : Deno.args[at + 1];
}

/** Runs one measurement; a failure is recorded instead of ending the run. */
async function attempt<T>(what: string, run: () => Promise<T>): Promise<Outcome<T & object>> {
  try {
    return await run() as T & object;
  } catch (error) {
    console.error(`  ${what} failed: ${error instanceof Error ? error.message : error}`);
    return { error: String(error instanceof Error ? error.message : error) };
  }
}

/** Installs the Node packages of the peers and the generator when they are missing. */
async function ensurePeerPackages(): Promise<void> {
  try {
    await Deno.stat(`${benchDir}peers/node_modules/socket.io`);
    return;
  } catch {
    // not installed yet
  }
  console.log("installing bench/peers packages (npm ci)…");
  const { success } = await new Deno.Command("npm", {
    args: ["ci", "--prefix", `${benchDir}peers`, "--no-audit", "--no-fund"],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!success) throw new Error("npm ci --prefix bench/peers failed");
}
