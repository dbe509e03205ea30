import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { CLOSE_HEARTBEAT_TIMEOUT, Heartbeat, HEARTBEAT_SLICES } from "./heartbeat.ts";
import { CLOSE_SESSION_ENDED, type Peer } from "./hub.ts";

const INTERVAL = 1000;

/** A peer whose liveness the test sets, recording pings and its closing. */
class FakePeer implements Peer {
  readonly userId = "u1";
  pings = 0;
  closed: { code: number; reason: string } | undefined;

  constructor(
    public lastSeenAt: number,
    public sessionExpiresAt = Number.MAX_SAFE_INTEGER,
    readonly sessionId = "s1",
  ) {}

  whenWritable(): Promise<void> | undefined {
    return undefined;
  }

  rightsChanged(): void {}

  send(frame: string): void {
    assert.deepEqual(JSON.parse(frame), { type: "ping" });
    this.pings++;
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  roomRevoked(): void {}
}

Deno.test("Heartbeat.tick() pings every live peer", () => {
  const clock = new FakeClock();
  const peers = [new FakePeer(clock.now()), new FakePeer(clock.now() - INTERVAL)];
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  heartbeat.tick();
  heartbeat.tick();
  assert.deepEqual(peers.map((p) => p.pings), [2, 2]);
  assert.deepEqual(peers.map((p) => p.closed), [undefined, undefined]);
});

Deno.test("Heartbeat.tick() closes with 4002 a peer silent for more than two intervals, without pinging it", () => {
  const clock = new FakeClock();
  const silent = new FakePeer(clock.now() - 2 * INTERVAL - 1);
  const atLimit = new FakePeer(clock.now() - 2 * INTERVAL);
  const heartbeat = new Heartbeat(() => [silent, atLimit], clock, INTERVAL);
  heartbeat.tick();
  assert.equal(CLOSE_HEARTBEAT_TIMEOUT, 4002);
  assert.equal(silent.closed?.code, 4002);
  assert.equal(silent.pings, 0);
  assert.equal(atLimit.closed, undefined);
  assert.equal(atLimit.pings, 1);
});

Deno.test("Heartbeat keeps a peer that answers each ping and drops one that stops answering", () => {
  const clock = new FakeClock();
  const answering = new FakePeer(clock.now());
  const mute = new FakePeer(clock.now());
  const heartbeat = new Heartbeat(() => [answering, mute], clock, INTERVAL);
  for (let round = 1; round <= 3; round++) {
    heartbeat.tick();
    // The answering peer's pong arrives shortly after each ping.
    clock.advance(50);
    answering.lastSeenAt = clock.now();
    clock.advance(INTERVAL - 50);
  }
  // Ticks at 0, 1 and 2 intervals after the mute peer was last seen: silence of exactly two
  // intervals is tolerated. The tick at three intervals closes it.
  assert.equal(mute.closed?.code, undefined);
  heartbeat.tick();
  assert.equal(mute.closed?.code, CLOSE_HEARTBEAT_TIMEOUT);
  assert.equal(mute.pings, 3);
  assert.equal(answering.closed, undefined);
  assert.equal(answering.pings, 4);
});

Deno.test("Heartbeat.tick() asks for the current peers on every tick", () => {
  const clock = new FakeClock();
  const peers = new Set<FakePeer>();
  const dead = new FakePeer(clock.now() - 10 * INTERVAL);
  let closes = 0;
  dead.close = () => {
    closes++;
    peers.delete(dead);
  };
  const live = new FakePeer(clock.now());
  peers.add(dead).add(live);
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  heartbeat.tick();
  const late = new FakePeer(clock.now());
  peers.add(late);
  heartbeat.tick();
  assert.equal(closes, 1);
  assert.equal(live.pings, 2);
  assert.equal(late.pings, 1);
});

Deno.test("Heartbeat.start() twice runs one timer that stop() clears", () => {
  const heartbeat = new Heartbeat(() => [], new FakeClock(), INTERVAL);
  heartbeat.start();
  heartbeat.start();
  heartbeat.stop();
  heartbeat.stop();
  // A second interval left running would fail this test's leak sanitizer.
});

Deno.test("Heartbeat.tick() closes with 4001 the sockets of an expired session, live or not", () => {
  const clock = new FakeClock();
  const expiring = new FakePeer(clock.now(), clock.now() + INTERVAL);
  const lasting = new FakePeer(clock.now(), clock.now() + 10 * INTERVAL);
  const heartbeat = new Heartbeat(() => [expiring, lasting], clock, INTERVAL);
  heartbeat.tick();
  assert.equal(expiring.closed, undefined);
  clock.advance(INTERVAL);
  expiring.lastSeenAt = lasting.lastSeenAt = clock.now();
  heartbeat.tick();
  assert.deepEqual(expiring.closed, { code: CLOSE_SESSION_ENDED, reason: "session expired" });
  assert.equal(lasting.closed, undefined);
});

Deno.test("Heartbeat slices ping each peer once per round, a few peers per slice, never all at once", () => {
  const clock = new FakeClock();
  const peers = Array.from(
    { length: 1000 },
    (_, i) => new FakePeer(clock.now(), undefined, sessionIdOf(i)),
  );
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  const perSlice: number[] = [];
  for (let slice = 0; slice < HEARTBEAT_SLICES; slice++) {
    const before = peers.reduce((sum, peer) => sum + peer.pings, 0);
    heartbeat.tick(slice);
    perSlice.push(peers.reduce((sum, peer) => sum + peer.pings, 0) - before);
  }
  assert.deepEqual(new Set(peers.map((peer) => peer.pings)), new Set([1]));
  assert.ok(Math.max(...perSlice) <= 3 * (1000 / HEARTBEAT_SLICES), `slices: ${perSlice}`);
});

/** A session id of the shape the session store makes (SHA-256 hex), different for each `i`. */
function sessionIdOf(i: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(64, "0");
}

Deno.test("Heartbeat.runDue() pings each peer once per interval of clock time when its timer fires late", () => {
  const clock = new FakeClock();
  const peers = Array.from({ length: 100 }, (_, i) => {
    const peer = new FakePeer(clock.now(), undefined, sessionIdOf(i));
    const ping = peer.send.bind(peer);
    // The peer answers each ping at once.
    peer.send = (frame) => {
      ping(frame);
      peer.lastSeenAt = clock.now();
    };
    return peer;
  });
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  // A busy event loop: the timer, due every slice (40 ms), fires 80 ms late each time. A slice
  // per call made a round last 3 s, and peers that answered every ping were closed as silent.
  const sliceMs = INTERVAL / HEARTBEAT_SLICES;
  const end = clock.now() + 10 * INTERVAL;
  for (; clock.now() < end; clock.advance(3 * sliceMs)) heartbeat.runDue();
  assert.deepEqual(peers.filter((peer) => peer.closed !== undefined), []);
  assert.deepEqual(new Set(peers.map((peer) => peer.pings)), new Set([10]));
});

Deno.test("Heartbeat.runDue() after a pause of several intervals ticks every slice once, not the backlog", () => {
  const clock = new FakeClock();
  const peers = Array.from(
    { length: 100 },
    (_, i) => new FakePeer(clock.now(), undefined, sessionIdOf(i)),
  );
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  heartbeat.runDue();
  clock.advance(5 * INTERVAL);
  for (const peer of peers) peer.lastSeenAt = clock.now();
  heartbeat.runDue();
  const pings = peers.reduce((sum, peer) => sum + peer.pings, 0);
  // The first call ticked one slice; the second, every slice once.
  const firstSlice = pings - peers.length;
  assert.ok(firstSlice > 0 && firstSlice < peers.length / 5, `first slice pinged ${firstSlice}`);
  assert.deepEqual(new Set(peers.map((peer) => peer.pings)), new Set([1, 2]));
  // From now on, one slice per slice of clock time again.
  clock.advance(INTERVAL / HEARTBEAT_SLICES);
  heartbeat.runDue();
  const next = peers.reduce((sum, peer) => sum + peer.pings, 0) - pings;
  assert.ok(next > 0 && next < peers.length / 5, `the next slice pinged ${next}`);
});

Deno.test("Heartbeat.runDue() goes on pinging when the clock is set back", () => {
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const peers = Array.from({ length: 100 }, (_, i) => new FakePeer(now, undefined, sessionIdOf(i)));
  const heartbeat = new Heartbeat(() => peers, clock, INTERVAL);
  heartbeat.runDue();
  now -= 60_000;
  for (const peer of peers) peer.lastSeenAt = now;
  const before = peers.map((peer) => peer.pings);
  // One interval after the clock was set back, plus the slice the schedule waits on.
  for (let i = 0; i <= HEARTBEAT_SLICES; i++, now += INTERVAL / HEARTBEAT_SLICES) {
    heartbeat.runDue();
  }
  assert.deepEqual(new Set(peers.map((peer, i) => peer.pings - before[i]!)), new Set([1]));
});
