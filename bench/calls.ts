/**
 * `deno task bench --only calls [--rounds N]`: call setup time on loopback. One chat server, one
 * coturn (started as the relay browser test starts it), headless Chromium with fake media, and
 * two pairs of friends in their own contexts: one pair calls directly, the other with
 * `?relay` (iceTransportPolicy "relay", so media must go through coturn with the credentials the
 * server minted). Rounds alternate between the pairs, so both modes see the same load, and
 * within a pair between caller and callee.
 *
 * A round: the caller presses the voice call button (t0), the callee's incoming dialog shows
 * (ring shown) and is answered at once (t answer), and both call views reach `connected`
 * (`RTCPeerConnection.connectionState`, ICE and DTLS done). Times are taken in the bench
 * process around Playwright actions, so each includes a few milliseconds of Playwright round
 * trips. The first round of each pair loads the call layer's lazy chunk and is not counted.
 * Invites are paced by the server's invite limit ({@linkcode CALL_INVITE_BURST} at once, then
 * one per caller every 1 / {@linkcode CALL_INVITE_RATE} s), not raised for the bench.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { FAKE_MEDIA_ARGS, withBrowserChat } from "../tests/helpers/browser.ts";
import { callPhase, friendsInDm } from "../tests/helpers/call_pages.ts";
import { startTurnServer } from "../tests/helpers/turn_server.ts";
import { CALL_INVITE_BURST, CALL_INVITE_RATE } from "../lib/server/chat_server.ts";
import { loadAverage } from "./machine.ts";
import { median } from "./median.ts";
import { percentile } from "./percentile.ts";

/** Options of {@linkcode runCallsBench}. */
export interface CallsBenchOptions {
  /** Counted rounds per mode (direct, relayed). */
  rounds: number;
}

/** The times of one round, in milliseconds from the caller's press. */
interface RoundTimes {
  ringShown: number;
  connected: number;
  /** From the callee's answer to both sides connected. */
  answerToConnected: number;
}

/** One pair of friends and how its calls go. */
interface Pair {
  mode: "direct" | "relayed";
  pages: [Page, Page];
  /** Invites placed by each page, and when the last one was. */
  invites: [number[], number[]];
  rounds: RoundTimes[];
}

/** Runs the bench and prints one table. */
export async function runCallsBench(options: CallsBenchOptions): Promise<void> {
  const turn = await startTurnServer();
  const loadStart = await loadAverage();
  try {
    await withBrowserChat(async (chat) => {
      const direct = await friendsInDm(chat, ["alice", "bob"]);
      const relayed = await friendsInDm(chat, ["carol", "dave"], "?relay");
      const pairs: Pair[] = [
        {
          mode: "direct",
          pages: [direct.alice.page, direct.bob.page],
          invites: [[], []],
          rounds: [],
        },
        {
          mode: "relayed",
          pages: [relayed.alice.page, relayed.bob.page],
          invites: [[], []],
          rounds: [],
        },
      ];
      for (let round = 0; round <= options.rounds; round++) {
        for (const pair of pairs) {
          const times = await callOnce(pair, round % 2);
          if (round > 0) pair.rounds.push(times);
        }
        Deno.stdout.writeSync(new TextEncoder().encode(`\r  round ${round}/${options.rounds}`));
      }
      console.log("");
      printTable(pairs, chat.browser.version(), loadStart, await loadAverage());
    }, {
      config: {
        ice: { stunUrls: [], turnUrls: [turn.url], turnSecret: turn.secret, turnTtlSeconds: 600 },
      },
    }, FAKE_MEDIA_ARGS);
  } finally {
    await turn.stop();
  }
}

/** One voice call placed by `pages[caller]`, answered, connected, then hung up and closed. */
async function callOnce(pair: Pair, caller: number): Promise<RoundTimes> {
  const from = pair.pages[caller]!;
  const to = pair.pages[1 - caller]!;
  await paceInvite(pair.invites[caller]!);
  const t0 = performance.now();
  await from.getByTestId("call-voice").click();
  await to.getByTestId("call-incoming").waitFor();
  const ringShown = performance.now();
  await to.getByTestId("call-accept").click();
  const answered = performance.now();
  await Promise.all([callPhase(from, "connected"), callPhase(to, "connected")]);
  const connected = performance.now();
  await from.getByTestId("call-hangup").click();
  await Promise.all([callPhase(from, "ended"), callPhase(to, "ended")]);
  for (const page of [from, to]) {
    await page.getByTestId("call-hangup").click(); // "Close" once ended
    await page.getByTestId("call-view").waitFor({ state: "detached" });
  }
  return {
    ringShown: ringShown - t0,
    connected: connected - t0,
    answerToConnected: connected - answered,
  };
}

/**
 * Waits until the server's invite limit lets this caller ring again: after the burst, one
 * invite every 1 / rate seconds since its previous one keeps a token in the bucket.
 */
async function paceInvite(placed: number[]): Promise<void> {
  const last = placed.at(-1);
  if (placed.length >= CALL_INVITE_BURST && last !== undefined) {
    const wait = last + 1000 / CALL_INVITE_RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  placed.push(performance.now());
}

function printTable(pairs: Pair[], chromium: string, loadStart: string, loadEnd: string): void {
  const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);
  const column = (pair: Pair, pick: (times: RoundTimes) => number) => {
    const values = pair.rounds.map(pick);
    return `${ms(median(values))} ${ms(percentile(values, 0.95))}`;
  };
  console.log(
    `Call setup on loopback, Chromium ${chromium}, fake media, voice; ` +
      `${pairs[0]!.rounds.length} rounds per mode; load ${loadStart} → ${loadEnd}`,
  );
  console.log(
    "mode      | ring shown (median, p95) | ring → connected (median, p95) | answer → connected (median, p95)",
  );
  for (const pair of pairs) {
    console.log(
      `${pair.mode.padEnd(9)} | ${column(pair, (t) => t.ringShown).padEnd(24)} | ${
        column(pair, (t) => t.connected).padEnd(30)
      } | ${column(pair, (t) => t.answerToConnected)}`,
    );
  }
}
