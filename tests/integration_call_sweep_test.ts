/**
 * Integration tests of call deadlines kept as data: a node that dies takes its timers with it,
 * and another node on the same KV ends its calls from the deadlines in the call records. One
 * test kills a real `deno serve` process with SIGKILL while its call rings; the others close an
 * in-process node (its ring, or a party's reconnect grace, pending) and drive the survivor's
 * sweep with the fake clock.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CallRecord } from "../lib/calls/call_service.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { CALL_RING_MS } from "../lib/common/protocol.ts";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import { readConfig } from "../lib/server/config.ts";
import { openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { withServerPair } from "./helpers/server_process.ts";
import { startTestServer, type TestServer } from "./helpers/test_server.ts";
import {
  callState,
  callSummaries,
  closeAll,
  flushed,
  friendsWithDm,
  systemEvent,
} from "./helpers/call_frames.ts";

/** Waits until the node's next sweep is set, `ms` ahead on the fake clock (the last one ended). */
async function sweepArmed(clock: FakeClock, ms: number): Promise<void> {
  for (let tries = 0; !clock.pending.includes(ms); tries++) {
    if (tries > 1_000) throw new Error(`no sweep was set ${ms} ms ahead`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("a call left ringing by a node killed with -9 is ended as missed by another node on the same KV, with one summary", async () => {
  const sweepSeconds = 1;
  await withServerPair(
    { CALL_SWEEP_SECONDS: String(sweepSeconds), LOG_FORMAT: "off" },
    async (a, b) => {
      const alice = await registerUser(a.url, "alice");
      const bob = await registerUser(a.url, "bob");
      const room = await friendsWithDm(a.url, alice, bob);
      const caller = await openSocket(a.url, alice);
      const callee = await openSocket(a.url, bob);
      const placedAt = Date.now();
      caller.send({ type: "call_invite", call: "orphan-1", room, media: "audio" });
      await callState(callee, "orphan-1", "ringing");
      assert.equal((await a.stop("SIGKILL")).signal, "SIGKILL");
      await Promise.all([caller.closed, callee.closed]);

      // Nothing tells node B of the kill: its sweep ends the call once the ring deadline passed.
      const watcher = await openSocket(b.url, bob);
      const deadline = placedAt + CALL_RING_MS + sweepSeconds * 1000 + 20_000;
      let summaries = await callSummaries(watcher, room);
      while (summaries.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        summaries = await callSummaries(watcher, room);
      }
      const endedAfterMs = Date.now() - placedAt;
      assert.equal(summaries.length, 1, "no summary within the ring and a sweep (and a margin)");
      assert.equal(summaries[0]!.event?.type, "call_missed");
      assert.ok(summaries[0]!.at >= placedAt + CALL_RING_MS, "ended before its ring was over");
      console.log(`ended as missed ${endedAfterMs} ms after the invite`);

      // Later sweeps find nothing more to do: still one summary, and both are free to call.
      await new Promise((resolve) => setTimeout(resolve, 3 * sweepSeconds * 1000));
      assert.equal((await callSummaries(watcher, room)).length, 1);
      const caller2 = await openSocket(b.url, alice);
      caller2.send({ type: "call_invite", call: "orphan-2", room, media: "audio" });
      await callState(watcher, "orphan-2", "ringing");
      await closeAll([watcher, caller2]);
    },
  );
});

/** Two in-process nodes on one KV and one bus, on a fake clock, and the parts of their test. */
interface TwoNodes {
  clock: FakeClock;
  kv: Deno.Kv;
  one: TestServer;
  two: TestServer;
  sweepMs: number;
  grace: number;
  alice: TestUser;
  bob: TestUser;
  /** Alice and Bob's DM. */
  room: string;
  /** Closes node one (its timers go with it). */
  closeOne(): Promise<void>;
}

/**
 * Runs `test` with two nodes sweeping every 2 s with a 7 s reconnect grace, and Alice and Bob,
 * friends with a DM, registered on node one; closes what is left open afterwards.
 */
async function withTwoNodes(test: (nodes: TwoNodes) => Promise<void>): Promise<void> {
  const clock = new FakeClock(Date.now());
  const sweepMs = 2_000;
  const grace = 7_000;
  const config = { calls: { ...readConfig({}).calls, sweepMs, reconnectGraceMs: grace } };
  const kv = await Deno.openKv(":memory:");
  const bus = new MemoryBus();
  const options = { kv, clock, timers: clock, config };
  const one = await startTestServer({ ...options, broker: bus.broker() });
  const two = await startTestServer({ ...options, broker: bus.broker() });
  let oneOpen = true;
  const closeOne = async () => {
    oneOpen = false;
    await one.close();
  };
  try {
    const alice = await registerUser(one.url, "alice");
    const bob = await registerUser(one.url, "bob");
    const room = await friendsWithDm(one.url, alice, bob);
    await test({ clock, kv, one, two, sweepMs, grace, alice, bob, room, closeOne });
  } finally {
    if (oneOpen) await one.close();
    await two.close();
    kv.close();
  }
}

Deno.test("a node's sweep ends as missed, once, a call whose placing node closed while it rang", () =>
  withTwoNodes(async ({ clock, one, two, sweepMs, alice, bob, room, closeOne }) => {
    const a = await openSocket(two.url, alice);
    const b = await openSocket(two.url, bob);
    const placing = await openSocket(one.url, alice);
    await a.subscribe(room);
    placing.send({ type: "call_invite", call: "closed-ring-1", room, media: "audio" });
    await callState(b, "closed-ring-1", "ringing");
    await placing.close();
    await closeOne(); // its ring timer goes with it

    clock.advance(CALL_RING_MS - 1);
    await flushed(a);
    assert.equal(a.frames.some((f) => f.type === "call" && f.call.state === "ended"), false);
    await sweepArmed(clock, sweepMs);
    clock.advance(sweepMs);
    assert.equal((await callState(b, "closed-ring-1", "ended")).call.reason, "missed");
    await systemEvent(a, room, "call_missed");
    for (let sweep = 0; sweep < 3; sweep++) {
      await sweepArmed(clock, sweepMs);
      clock.advance(sweepMs);
    }
    await flushed(a);
    assert.equal((await callSummaries(a, room)).length, 1);
    await closeAll([a, b]);
  }));

Deno.test("a party's reconnect grace noted by a node that then closed is enforced by another node's sweep", () =>
  withTwoNodes(async ({ clock, kv, one, two, sweepMs, grace, alice, bob, room, closeOne }) => {
    const a = await openSocket(two.url, alice);
    const b = await openSocket(one.url, bob);
    await a.subscribe(room);
    const call = "closed-grace-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    await callState(b, call, "ringing");
    b.send({ type: "call_accept", call });
    await callState(a, call, "active");

    await b.close();
    // Node one notes Bob's grace in the record, then closes: its grace timer goes with it.
    for (let tries = 0;; tries++) {
      const record = (await kv.get<CallRecord>(keys.call(call))).value;
      if (record?.away?.[bob.id]) break;
      if (tries > 1_000) throw new Error("the grace was never noted in the call record");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await closeOne();

    clock.advance(0); // the sweep of node two's start
    for (let elapsed = sweepMs; elapsed < grace; elapsed += sweepMs) {
      await sweepArmed(clock, sweepMs);
      clock.advance(sweepMs);
    }
    await flushed(a);
    assert.equal(a.frames.some((f) => f.type === "call" && f.call.state === "ended"), false);
    await sweepArmed(clock, sweepMs);
    clock.advance(sweepMs);
    assert.equal((await callState(a, call, "ended")).call.reason, "hangup");
    await systemEvent(a, room, "call_ended");
    await sweepArmed(clock, sweepMs);
    clock.advance(sweepMs);
    await flushed(a);
    assert.equal((await callSummaries(a, room)).length, 1);
    await closeAll([a]);
  }));
