import assert from "node:assert/strict";
import { FakeClock } from "../../common/testing/fake_clock.ts";
import type { Presence } from "./presence.ts";
import { keys } from "../../kv/kv_keys.ts";
import { KvPresence } from "./presence_kv.ts";
import { OFFLINE_DELAY_MS, type PresenceSocket, PresenceTracker } from "./presence_tracker.ts";

const REFRESH_MS = 10_000;

interface Setup {
  clock: FakeClock;
  presence: KvPresence;
  changes: [string, boolean][];
  /** A tracker for node `nodeId`, reporting into `changes`. */
  node(nodeId: string): PresenceTracker;
}

async function withPresence(fn: (setup: Setup) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  // "Last seen" is written for existing accounts only.
  for (const id of ["u1", "u2"]) await kv.set(keys.user(id), { id, name: id });
  const clock = new FakeClock();
  const presence = new KvPresence(kv, clock);
  const changes: [string, boolean][] = [];
  const trackers: PresenceTracker[] = [];
  const node = (nodeId: string) => {
    const tracker = new PresenceTracker({
      presence,
      nodeId,
      refreshMs: REFRESH_MS,
      timers: clock,
      onChange: (user, status) => void changes.push([user, status !== "offline"]),
    });
    trackers.push(tracker);
    return tracker;
  };
  try {
    await fn({ clock, presence, changes, node });
  } finally {
    for (const tracker of trackers) await tracker.close();
    kv.close();
  }
}

const socketOf = (userId: string): PresenceSocket => ({ userId });

Deno.test("PresenceTracker reports a user online once, when their first socket opens", async () => {
  await withPresence(async ({ presence, changes, node }) => {
    const tracker = node("a");
    tracker.opened(socketOf("u1"));
    tracker.opened(socketOf("u1"));
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true]]);
    assert.deepEqual(await presence.nodesOf("u1"), ["a"]);
  });
});

Deno.test("PresenceTracker reports a user offline only after their last socket closed and the offline delay passed", async () => {
  await withPresence(async ({ clock, presence, changes, node }) => {
    const tracker = node("a");
    const [first, second] = [socketOf("u1"), socketOf("u1")];
    tracker.opened(first);
    tracker.opened(second);
    await tracker.idle();
    tracker.closed(first);
    clock.advance(OFFLINE_DELAY_MS * 2);
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true]], "one socket is still open");

    tracker.closed(second);
    clock.advance(OFFLINE_DELAY_MS - 1);
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true]]);
    assert.deepEqual(await presence.nodesOf("u1"), ["a"], "still online during the delay");
    clock.advance(1);
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true], ["u1", false]]);
    assert.deepEqual(await presence.nodesOf("u1"), []);
  });
});

Deno.test("PresenceTracker does not report a reload (close, then open within the delay) at all", async () => {
  await withPresence(async ({ clock, presence, changes, node }) => {
    const tracker = node("a");
    const before = socketOf("u1");
    tracker.opened(before);
    await tracker.idle();
    tracker.closed(before);
    clock.advance(OFFLINE_DELAY_MS - 500);
    tracker.opened(socketOf("u1"));
    clock.advance(OFFLINE_DELAY_MS * 3);
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true]]);
    assert.deepEqual(await presence.nodesOf("u1"), ["a"]);
  });
});

Deno.test("PresenceTracker reports a user on two nodes online when the first opens, offline when the last leaves", async () => {
  await withPresence(async ({ clock, changes, node }) => {
    const [a, b] = [node("a"), node("b")];
    const [onA, onB] = [socketOf("u1"), socketOf("u1")];
    a.opened(onA);
    await a.idle();
    b.opened(onB);
    await b.idle();
    assert.deepEqual(changes, [["u1", true]], "b saw a's entry");
    a.closed(onA);
    clock.advance(OFFLINE_DELAY_MS);
    await a.idle();
    assert.deepEqual(changes, [["u1", true]], "still on b");
    b.closed(onB);
    clock.advance(OFFLINE_DELAY_MS);
    await b.idle();
    assert.deepEqual(changes, [["u1", true], ["u1", false]]);
  });
});

Deno.test("PresenceTracker on a node alone reports an arrival online without reading the other nodes' entries, and still writes its own", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock();
  const presence = new KvPresence(kv, clock);
  let nodeReads = 0;
  const counted: Presence = {
    ...bindAll(presence),
    nodesOf: (user) => {
      nodeReads++;
      return presence.nodesOf(user);
    },
  };
  const changes: [string, boolean][] = [];
  let alone = true;
  const tracker = new PresenceTracker({
    presence: counted,
    nodeId: "a",
    refreshMs: REFRESH_MS,
    timers: clock,
    onChange: (user, status) => void changes.push([user, status !== "offline"]),
    alone: () => alone,
  });
  try {
    tracker.opened(socketOf("u1"));
    await tracker.idle();
    assert.deepEqual(changes, [["u1", true]]);
    assert.equal(nodeReads, 0);
    assert.deepEqual(await presence.nodesOf("u1"), ["a"]);
    // Once another node may write, an arrival reads again: u2 is present on node "b".
    alone = false;
    await presence.add("b", ["u2"], REFRESH_MS * 3);
    tracker.opened(socketOf("u2"));
    await tracker.idle();
    assert.equal(nodeReads, 1);
    assert.deepEqual(changes, [["u1", true]], "u2 was online on b already");
  } finally {
    await tracker.close();
    kv.close();
  }
});

/** The methods of `presence`, bound, to build a {@linkcode Presence} that replaces some. */
function bindAll(presence: KvPresence): Presence {
  return {
    add: presence.add.bind(presence),
    statuses: presence.statuses.bind(presence),
    wentOffline: presence.wentOffline.bind(presence),
    lastSeen: presence.lastSeen.bind(presence),
    remove: presence.remove.bind(presence),
    nodesOf: presence.nodesOf.bind(presence),
    online: presence.online.bind(presence),
  };
}

Deno.test("PresenceTracker.refresh() keeps a live node's entries, while a dead node's entry expires", async () => {
  await withPresence(async ({ clock, presence, node }) => {
    const live = node("live");
    const dead = node("dead");
    live.opened(socketOf("u1"));
    dead.opened(socketOf("u2"));
    await Promise.all([live.idle(), dead.idle()]);
    // "dead" crashed: it never renews again, and never deletes its entry.
    for (let i = 0; i < 5; i++) {
      clock.advance(REFRESH_MS);
      await live.refresh();
    }
    assert.deepEqual(await presence.online(["u1", "u2"]), new Set(["u1"]));
    assert.deepEqual(await presence.nodesOf("u2"), []);
  });
});

Deno.test("PresenceTracker.refresh() never writes back the entry of a user who left meanwhile", async () => {
  await withPresence(async ({ clock, presence, node }) => {
    const tracker = node("a");
    const socket = socketOf("u1");
    tracker.opened(socket);
    await tracker.idle();
    tracker.closed(socket);
    const renewal = tracker.refresh();
    clock.advance(OFFLINE_DELAY_MS);
    await Promise.all([renewal, tracker.idle()]);
    await tracker.refresh();
    assert.deepEqual(await presence.nodesOf("u1"), []);
  });
});

Deno.test("PresenceTracker.close() deletes this node's entries and reports nothing", async () => {
  await withPresence(async ({ clock, presence, changes, node }) => {
    const tracker = node("a");
    tracker.opened(socketOf("u1"));
    const leaving = socketOf("u2");
    tracker.opened(leaving);
    await tracker.idle();
    tracker.closed(leaving);
    await tracker.close();
    clock.advance(OFFLINE_DELAY_MS);
    assert.deepEqual(clock.pending, [], "no timer left behind");
    assert.deepEqual(await presence.online(["u1", "u2"]), new Set());
    // Two users' first writes run side by side: their reports may come in either order.
    assert.deepEqual([...changes].sort(), [["u1", true], ["u2", true]]);
  });
});

Deno.test("PresenceTracker writes the first entries of users arriving together in one commit", async () => {
  await withPresence(async ({ presence, changes }) => {
    const writes: string[][] = [];
    const counted: Presence = {
      add: (node, users, ttlMs) => {
        writes.push([...users]);
        return presence.add(node, users, ttlMs);
      },
      remove: (node, users) => presence.remove(node, users),
      nodesOf: (user) => presence.nodesOf(user),
      online: (users) => presence.online(users),
      statuses: (users) => presence.statuses(users),
      wentOffline: (user) => presence.wentOffline(user),
      lastSeen: (users) => presence.lastSeen(users),
    };
    const tracker = new PresenceTracker({
      presence: counted,
      nodeId: "a",
      refreshMs: REFRESH_MS,
      onChange: (user, status) => void changes.push([user, status !== "offline"]),
    });
    for (const user of ["u1", "u2", "u3"]) tracker.opened(socketOf(user));
    await tracker.idle();
    tracker.opened(socketOf("u4"));
    await tracker.idle();
    assert.deepEqual(writes, [["u1", "u2", "u3"], ["u4"]]);
    assert.deepEqual(
      await presence.online(["u1", "u2", "u3", "u4"]),
      new Set(["u1", "u2", "u3", "u4"]),
    );
    assert.deepEqual([...changes].sort(), [["u1", true], ["u2", true], ["u3", true], ["u4", true]]);
    await tracker.close();
  });
});

Deno.test("PresenceTracker reports a user away only when every tab on every node is away", async () => {
  await withPresence(async ({ clock, presence, node }) => {
    const statuses: string[] = [];
    const a = new PresenceTracker({
      presence,
      nodeId: "a",
      refreshMs: REFRESH_MS,
      timers: clock,
      onChange: (_user, status) => void statuses.push(status),
    });
    const b = node("b");
    const phone = { userId: "u1", away: false };
    const laptop = { userId: "u1", away: false };
    a.opened(phone);
    await a.idle();
    b.opened(laptop);
    await b.idle();
    phone.away = true;
    a.changed(phone);
    await a.idle();
    assert.equal((await presence.statuses(["u1"])).get("u1"), "online", "the laptop is active");
    laptop.away = true;
    b.changed(laptop);
    await b.idle();
    assert.equal((await presence.statuses(["u1"])).get("u1"), "away");
    // A renewal keeps the away flag: it is no second write of "online".
    await a.refresh();
    await b.refresh();
    assert.equal((await presence.statuses(["u1"])).get("u1"), "away");
    phone.away = false;
    a.changed(phone);
    await a.idle();
    assert.equal((await presence.statuses(["u1"])).get("u1"), "online");
    assert.deepEqual(statuses, ["online", "online", "online"]);
    await a.close();
  });
});

Deno.test("PresenceTracker records 'last seen' when a user's last socket anywhere closes", async () => {
  await withPresence(async ({ clock, presence, node }) => {
    const a = node("a");
    const socket = socketOf("u1");
    a.opened(socket);
    await a.idle();
    clock.advance(1_000);
    a.closed(socket);
    const closedAt = clock.now();
    clock.advance(OFFLINE_DELAY_MS);
    await a.idle();
    assert.equal((await presence.statuses(["u1"])).get("u1"), "offline");
    assert.deepEqual(
      await presence.lastSeen(["u1", "u2"]),
      new Map([["u1", closedAt + OFFLINE_DELAY_MS]]),
    );
  });
});

Deno.test("PresenceTracker hands the friend digest a user's first socket opened with to the report of their arrival, and to no other report", async () => {
  await withPresence(async ({ clock, presence }) => {
    const reports: [string, string, unknown][] = [];
    const tracker = new PresenceTracker({
      presence,
      nodeId: "a",
      refreshMs: REFRESH_MS,
      timers: clock,
      onChange: (user, status, known) => void reports.push([user, status, known]),
    });
    const [first, second] = [socketOf("u1"), socketOf("u1")];
    tracker.opened(first, ["f1", "f2"]);
    tracker.opened(second, ["stale"]);
    tracker.opened(socketOf("u2"), null);
    await tracker.idle();
    tracker.closed(first);
    tracker.closed(second);
    clock.advance(OFFLINE_DELAY_MS);
    await tracker.idle();
    assert.deepEqual(reports, [
      ["u1", "online", ["f1", "f2"]],
      ["u2", "online", null],
      ["u1", "offline", undefined],
    ]);
    await tracker.close();
  });
});
