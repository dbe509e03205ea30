import assert from "node:assert/strict";
import {
  type ChatMessage,
  CLOSE_SERVICE_RESTART,
  CLOSE_SESSION_ENDED,
  PROTOCOL_VERSION,
} from "../lib/common/protocol.ts";
import { ChatClient } from "./chat_client.ts";
import type { ChatClientOptions } from "./chat_client_options.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { fakeSockets, type FakeWebSocket } from "./testing/fake_web_socket.ts";
import { MemoryStorage } from "./testing/memory_storage.ts";
import { LOST_UPLOAD } from "./outbox.ts";

const USER = { id: "u1", name: "ada" };
const HEARTBEAT_MS = 1_000;

function setup(options: Partial<ChatClientOptions> = {}) {
  const clock = new FakeClock();
  const { Socket, sockets } = fakeSockets();
  const storage = new MemoryStorage();
  const events = new EventTarget();
  let ids = 0;
  const client = new ChatClient({
    user: USER,
    url: "ws://chat.test/ws?v=1",
    WebSocket: Socket,
    storage,
    clock,
    events,
    random: () => 0.5,
    isOnline: () => true,
    newId: () => `client-id-${++ids}`,
    ...options,
  });
  const latest = (): FakeWebSocket => {
    const socket = sockets.at(-1);
    assert.ok(socket, "no socket was opened");
    return socket;
  };
  return { client, clock, sockets, storage, events, latest };
}

function welcome(socket: FakeWebSocket): void {
  socket.open();
  socket.receive({
    type: "welcome",
    v: PROTOCOL_VERSION,
    user: USER,
    node: "n1",
    heartbeatMs: HEARTBEAT_MS,
    socket: "s1",
    lists: { rooms: "", friends: "" },
  });
}

function message(seq: number, from = "u2", room = "r1"): ChatMessage {
  return { room, seq, id: `m${seq}`, from, author: from, text: `text ${seq}`, at: seq * 1000 };
}

function answerHistory(socket: FakeWebSocket, messages: ChatMessage[], hasMore = false): void {
  const request = socket.frames("history").at(-1);
  assert.ok(request, "no history request");
  socket.receive({ type: "history", ref: request.ref, room: request.room, messages, hasMore });
}

/** Connects, subscribes to r1 and loads the given newest page. */
function online(socket: FakeWebSocket, page: ChatMessage[] = [], head = page.length): void {
  welcome(socket);
  socket.receive({ type: "subscribed", room: "r1", head, reset: false });
  answerHistory(socket, page);
}

/** Runs the clock to the scheduled reconnect. */
function waitForRetry(client: ChatClient, clock: FakeClock): void {
  const status = client.status.value;
  assert.equal(status.state, "reconnecting");
  if (status.state === "reconnecting") clock.advance(status.retryAt - clock.now());
}

function seqs(client: ChatClient, room = "r1"): number[] {
  return client.room(room).list.value.map((item) => item.seq);
}

Deno.test("ChatClient subscribes without after on first connect, then asks for the newest page", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  welcome(latest());
  assert.deepEqual(latest().frames("subscribe"), [{ type: "subscribe", room: "r1" }]);
  const history = latest().frames("history");
  assert.equal(history.length, 1);
  assert.equal(history[0]?.before, undefined);
});

Deno.test("ChatClient resends its outbox with the same clientId after reconnect", () => {
  const { client, clock, sockets, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  assert.equal(client.send("r1", "hello"), null);
  const first = latest().frames("send");
  assert.equal(first.length, 1);

  latest().drop();
  assert.equal(client.status.value.state, "reconnecting");
  waitForRetry(client, clock);
  assert.equal(sockets.length, 2);
  welcome(latest());
  assert.deepEqual(latest().frames("send"), [], "waits for the room's subscribe");
  latest().receive({ type: "subscribed", room: "r1", head: 0, reset: false });
  assert.deepEqual(latest().frames("send"), first);
  assert.equal(client.outbox.entries.value[0]?.status, "pending");
});

Deno.test("ChatClient resends a reloaded page's outbox with the same clientId", () => {
  const { client, storage } = setup();
  client.openRoom("r1");
  client.send("r1", "written offline");
  client.send("r1", "second");
  client.close();

  const reloaded = setup({ storage, newId: () => "never-used-id" });
  reloaded.client.openRoom("r1");
  reloaded.client.connect();
  online(reloaded.latest());
  assert.deepEqual(
    reloaded.latest().frames("send").map((frame) => [frame.clientId, frame.text]),
    [["client-id-1", "written offline"], ["client-id-2", "second"]],
  );
});

Deno.test("ChatClient clears the outbox entry on ack and shows the message as sent", () => {
  const { client, storage, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1)]);
  client.send("r1", "hi");
  assert.equal(storage.items.size, 1);
  latest().receive({ type: "ack", room: "r1", clientId: "client-id-1", id: "m2", seq: 2, at: 5 });
  assert.deepEqual(client.outbox.entries.value, []);
  assert.equal(storage.items.size, 0);
  assert.deepEqual(seqs(client), [1, 2]);
  assert.equal(client.room("r1").messages.value.get(2)?.from, USER.id);
});

Deno.test("ChatClient resumes after the highest contiguous seq it holds", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2), message(3)]);
  latest().receive({ type: "message", ...message(5) });
  latest().drop();
  waitForRetry(client, clock);
  welcome(latest());
  assert.deepEqual(latest().frames("subscribe"), [{ type: "subscribe", room: "r1", after: 3 }]);
  assert.deepEqual(latest().frames("history"), [], "a loaded room needs no new page");
});

Deno.test("ChatClient reads each line of a batched frame as a message, in order", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1)]);
  latest().receiveBatch([2, 3, 4].map((seq) => ({ type: "message" as const, ...message(seq) })));
  assert.deepEqual(seqs(client), [1, 2, 3, 4]);
});

Deno.test("ChatClient reads the rest of a batched frame when a listener throws on one line", () => {
  const { client, latest } = setup();
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    client.onUserEvent(() => {
      throw new Error("listener broke");
    });
    client.openRoom("r1");
    client.connect();
    online(latest(), [message(1)]);
    latest().receiveBatch([
      { type: "message", ...message(2) },
      { type: "user_event", event: { kind: "presence", user: "u3", online: true } },
      { type: "message", ...message(3) },
    ]);
    assert.deepEqual(seqs(client), [1, 2, 3]);
    assert.deepEqual(reported.map((error) => (error as Error).message), ["listener broke"]);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

Deno.test("ChatClient stores a message once when history and live frames overlap", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  welcome(latest());
  latest().receive({ type: "subscribed", room: "r1", head: 2, reset: false });
  latest().receive({ type: "message", ...message(3) });
  latest().receive({ type: "message", ...message(3) });
  answerHistory(latest(), [message(1), message(2), message(3)]);
  assert.deepEqual(seqs(client), [1, 2, 3]);
});

Deno.test("ChatClient drops the room and reloads the newest page when subscribed says reset", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2)]);
  latest().drop();
  waitForRetry(client, clock);
  welcome(latest());
  latest().receive({ type: "subscribed", room: "r1", head: 5000, reset: true });
  assert.deepEqual(seqs(client), []);
  const request = latest().frames("history");
  assert.equal(request.length, 1);
  assert.equal(request[0]?.before, undefined);
  answerHistory(latest(), [message(4999), message(5000)], true);
  assert.deepEqual(seqs(client), [4999, 5000]);
  assert.equal(client.room("r1").hasMore.value, true);
});

Deno.test("ChatClient backs off with growing delays jittered within bounds", () => {
  const draws = [0.999, 0.999, 0.999, 0.5, 0, 0.999, 0.999, 0.999, 0.25];
  let next = 0;
  const { client, clock, latest } = setup({ random: () => draws[next++ % draws.length]! });
  client.connect();
  const delays: number[] = [];
  for (let attempt = 0; attempt < draws.length; attempt++) {
    latest().drop();
    const status = client.status.value;
    assert.equal(status.state, "reconnecting");
    delays.push(status.retryAt - clock.now());
    clock.advance(status.retryAt - clock.now());
  }
  delays.forEach((delay, attempt) => {
    const ceiling = Math.min(15_000, 500 * 2 ** attempt);
    assert.ok(delay >= 0 && delay < ceiling, `attempt ${attempt}: ${delay} of ${ceiling}`);
    assert.equal(delay, Math.floor(draws[attempt]! * ceiling));
  });
  assert.deepEqual(delays.slice(0, 3), [499, 999, 1998]);
  assert.equal(delays[7], 14_985, "capped at 15 s");

  welcome(latest());
  latest().drop();
  const status = client.status.value;
  assert.equal(status.state === "reconnecting" && status.attempt, 1, "welcome resets the backoff");
});

Deno.test("ChatClient reconnects after 2.5 heartbeats of silence", () => {
  const { client, clock, sockets, latest } = setup();
  client.connect();
  welcome(latest());
  clock.advance(2_000);
  latest().receive({ type: "ping" });
  clock.advance(2_499);
  assert.equal(client.status.value.state, "online", "any frame restarts the silence timer");
  clock.advance(1);
  assert.equal(sockets[0]?.readyState, 3, "the silent socket is closed");
  assert.equal(client.status.value.state, "reconnecting");
  waitForRetry(client, clock);
  assert.equal(sockets.length, 2);
});

Deno.test("ChatClient answers a server ping with a pong", () => {
  const { client, latest } = setup();
  client.connect();
  welcome(latest());
  latest().receive({ type: "ping" });
  assert.deepEqual(latest().frames("pong"), [{ type: "pong" }]);
});

Deno.test("ChatClient reconnects at once on the online event", () => {
  const { client, events, sockets, latest } = setup();
  client.connect();
  latest().drop();
  assert.equal(client.status.value.state, "reconnecting");
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 2);
  assert.equal(client.status.value.state, "connecting");
  client.close();
});

Deno.test("ChatClient waits for the online event while the browser is offline", () => {
  let networkUp = false;
  const { client, events, sockets, latest } = setup({ isOnline: () => networkUp });
  client.connect();
  latest().drop();
  assert.equal(client.status.value.state, "offline");
  networkUp = true;
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 2);
});

Deno.test("ChatClient drops a socket that still looks open when the browser goes offline, and resumes on online", () => {
  let networkUp = true;
  const { client, events, sockets, latest } = setup({ isOnline: () => networkUp });
  client.connect();
  welcome(latest());
  assert.equal(client.status.value.state, "online");
  networkUp = false;
  events.dispatchEvent(new Event("offline"));
  assert.equal(client.status.value.state, "offline");
  assert.equal(sockets.length, 1, "no reconnect attempt while offline");
  networkUp = true;
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 2);
  client.close();
});

Deno.test("ChatClient marks a message failed on a permanent error and resends it on retry", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  client.send("r1", "hi");
  latest().receive({
    type: "error",
    code: "not_member",
    message: "not a member",
    clientId: "client-id-1",
  });
  assert.equal(client.outbox.entries.value[0]?.status, "failed");
  assert.equal(client.outbox.entries.value[0]?.error, "not a member");
  client.retry("client-id-1");
  assert.equal(latest().frames("send").length, 2);
  assert.equal(client.outbox.entries.value[0]?.status, "pending");
  client.discard("client-id-1");
  assert.deepEqual(client.outbox.entries.value, []);
});

Deno.test("ChatClient resends in order after retryAfterMs when rate limited", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  client.send("r1", "one");
  client.send("r1", "two");
  for (const clientId of ["client-id-1", "client-id-2"]) {
    latest().receive({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      clientId,
      retryAfterMs: 700,
    });
  }
  client.send("r1", "three");
  assert.equal(latest().frames("send").length, 2, "held while rate limited");
  clock.advance(700);
  assert.deepEqual(latest().frames("send").slice(2).map((frame) => frame.text), [
    "one",
    "two",
    "three",
  ]);
});

Deno.test("ChatClient.loadOlder() asks for the page before the lowest seq, one at a time", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  welcome(latest());
  latest().receive({ type: "subscribed", room: "r1", head: 200, reset: false });
  answerHistory(latest(), [message(101), message(200)], true);
  assert.equal(client.loadOlder("r1"), true);
  assert.equal(client.loadOlder("r1"), false, "guarded while loading");
  assert.equal(latest().frames("history").at(-1)?.before, 101);
  answerHistory(latest(), [message(1), message(100)], false);
  assert.deepEqual(seqs(client), [1, 100, 101, 200]);
  assert.equal(client.room("r1").hasMore.value, false);
  assert.equal(client.loadOlder("r1"), false, "nothing older");
});

Deno.test("ChatClient.send() refuses empty text and text over MAX_TEXT_CHARS", () => {
  const { client } = setup();
  assert.deepEqual(client.send("r1", "  \n "), { key: "composer.empty" });
  assert.deepEqual(client.send("r1", "😀".repeat(4001)), {
    key: "composer.tooLong",
    params: { length: 4001, max: 4000 },
  });
  assert.equal(client.send("r1", "😀".repeat(4000)), null);
  assert.equal(client.outbox.entries.value.length, 1);
});

Deno.test("ChatClient counts unread messages from others in rooms not shown", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.openRoom("r2");
  client.setActiveRoom("r2");
  client.connect();
  online(latest());
  latest().receive({ type: "message", ...message(1) });
  latest().receive({ type: "message", ...message(1) });
  latest().receive({ type: "message", ...message(2, USER.id) });
  latest().receive({ type: "message", ...message(1, "u2", "r2") });
  assert.equal(client.room("r1").unread.value, 1);
  assert.equal(client.room("r2").unread.value, 0);
  client.setActiveRoom("r1");
  assert.equal(client.room("r1").unread.value, 0);
});

Deno.test("ChatClient does not count system messages (joins, leaves) as unread", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  const join = { ...message(1, "system"), kind: "system" as const, text: "bob joined" };
  latest().receive({ type: "message", ...join });
  assert.equal(client.room("r1").list.value.length, 1, "the system message is shown");
  assert.equal(client.room("r1").unread.value, 0);
  latest().receive({ type: "message", ...message(2) });
  assert.equal(client.room("r1").unread.value, 1);
});

Deno.test("ChatClient reports a subscription the server ended", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  latest().receive({ type: "unsubscribed", room: "r1" });
  assert.equal(client.revocations.value, 1);
  assert.equal(client.room("r1").subscribed.value, false);
});

Deno.test("ChatClient.isOnline() follows the friend list, then live presence notices", () => {
  const { client, latest } = setup();
  const friend = (id: string, online: boolean) => ({
    id,
    name: id,
    displayName: id,
    status: "",
    online,
  });
  client.setFriends([friend("u2", true), friend("u3", false)]);
  assert.deepEqual([client.isOnline("u2"), client.isOnline("u3")], [true, false]);
  client.connect();
  welcome(latest());
  latest().receive({ type: "user_event", event: { kind: "presence", user: "u3", online: true } });
  latest().receive({ type: "user_event", event: { kind: "presence", user: "u2", online: false } });
  assert.deepEqual([client.isOnline("u2"), client.isOnline("u3")], [false, true]);
  client.setFriends([friend("u2", true)]);
  assert.deepEqual(
    [client.isOnline("u2"), client.isOnline("u3")],
    [true, false],
    "u3 is no longer a friend: shown offline",
  );
  assert.equal(client.isOnline("stranger"), false);
  client.close();
});

// Read state: markers, unread counts, typing and receipts.

/** A conversation entry with a read state, as the conversation list gives it. */
function withRead(room: string, seq: number, unread: number) {
  const summary = { id: room, name: room, topic: "", createdAt: 0 };
  return {
    room: { ...summary, kind: "group" as const },
    activity: 0,
    read: { seq, unread, mentions: 0, more: false },
  };
}

Deno.test("ChatClient shows the server's unread count until the room loads, then derives it from the marker", () => {
  const { client, latest } = setup();
  client.setActiveRoom(null);
  client.takeReadStates([withRead("r1", 2, 3)]);
  client.openRoom("r1");
  assert.equal(client.room("r1").unread.value, 3);
  client.connect();
  online(latest(), [message(1), message(2), message(3), message(4, USER.id), message(5)]);
  assert.equal(client.room("r1").unread.value, 2, "3 and 5; 4 is the user's own");
  latest().receive({ type: "read", room: "r1", seq: 4 });
  assert.equal(client.room("r1").unread.value, 1, "another device read up to 4");
  latest().receive({ type: "read", room: "r1", seq: 2 });
  assert.equal(client.room("r1").unread.value, 1, "a marker never moves back");
});

Deno.test("ChatClient reads the shown room only while attentive, and sends one read per second", () => {
  const { client, clock, latest } = setup();
  client.takeReadStates([withRead("r1", 1, 0)]);
  client.openRoom("r1");
  client.setAttentive(false);
  client.setActiveRoom("r1");
  client.connect();
  online(latest(), [message(1)]);
  latest().receive({ type: "message", ...message(2) });
  latest().receive({ type: "message", ...message(3) });
  assert.equal(client.room("r1").unread.value, 2, "a hidden tab reads nothing");
  client.setAttentive(true);
  assert.equal(client.room("r1").unread.value, 0);
  latest().receive({ type: "message", ...message(4) });
  assert.deepEqual(latest().frames("read"), [], "coalesced");
  clock.advance(1000);
  assert.deepEqual(latest().frames("read"), [{ type: "read", room: "r1", seq: 4 }]);
});

Deno.test("ChatClient puts the divider at the marker when a room with unread messages opens", () => {
  const { client, latest } = setup();
  client.takeReadStates([withRead("r1", 1, 2)]);
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2), message(3)]);
  client.setActiveRoom("r1");
  assert.equal(client.room("r1").dividerAfter.value, 1);
  assert.equal(client.room("r1").unread.value, 0, "opened, so read");
});

Deno.test("ChatClient shows a typist until the notice expires, a stop arrives or their message does", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  const typers = client.typersOf("r1");
  const names = () => typers.value.map((typist) => typist.name);
  latest().receive({ type: "typing", room: "r1", user: { id: "u2", name: "bob" } });
  latest().receive({ type: "typing", room: "r1", user: { id: "u3", name: "cy" } });
  assert.deepEqual(typers.value, [{ id: "u2", name: "bob" }, { id: "u3", name: "cy" }]);
  latest().receive({ type: "typing", room: "r1", user: { id: "u3", name: "cy" }, stop: true });
  assert.deepEqual(names(), ["bob"]);
  latest().receive({ type: "message", ...message(1, "u2") });
  assert.deepEqual(names(), []);
  latest().receive({ type: "typing", room: "r1", user: { id: "u2", name: "bob" } });
  // Pings keep the connection alive meanwhile (a lost one forgets every typist).
  clock.advance(2000);
  latest().receive({ type: "ping" });
  clock.advance(2000);
  latest().receive({ type: "ping" });
  clock.advance(999);
  assert.deepEqual(names(), ["bob"]);
  clock.advance(1);
  assert.deepEqual(names(), [], "expired on its own");
});

Deno.test("ChatClient sends typing at most every 3 s and a stop once the text is emptied", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  client.composing("r1", "h");
  client.composing("r1", "he");
  clock.advance(2000);
  latest().receive({ type: "ping" });
  clock.advance(1000);
  client.composing("r1", "hel");
  client.composing("r1", "");
  client.composing("r1", "");
  assert.deepEqual(latest().frames("typing"), [
    { type: "typing", room: "r1" },
    { type: "typing", room: "r1" },
    { type: "typing", room: "r1", stop: true },
  ]);
});

Deno.test("ChatClient sends a read for a shown room it had no marker for (one added live)", () => {
  const { client, clock, latest } = setup();
  client.openRoom("r1");
  client.setActiveRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2)]);
  clock.advance(1000);
  assert.deepEqual(latest().frames("read"), [{ type: "read", room: "r1", seq: 2 }]);
});

Deno.test("ChatClient gives a room added live a marker before the messages counted while away", () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  welcome(latest());
  latest().receive({ type: "subscribed", room: "r1", head: 3, reset: false });
  latest().receive({ type: "message", ...message(3) });
  assert.equal(client.room("r1").unread.value, 1);
  answerHistory(latest(), [message(1), message(2), message(3)]);
  assert.equal(client.room("r1").readSeq.value, 2);
  assert.equal(client.room("r1").unread.value, 1);
});

Deno.test("ChatClient stops for good when the server ends the session, and says so", () => {
  const { client, clock, sockets, latest } = setup();
  client.connect();
  welcome(latest());
  assert.equal(client.sessionEnded.value, false);
  latest().readyState = 3;
  latest().onclose?.(new CloseEvent("close", { code: CLOSE_SESSION_ENDED }));
  assert.equal(client.sessionEnded.value, true);
  assert.equal(client.status.value.state, "offline");
  clock.advance(60_000);
  assert.equal(sockets.length, 1, "no reconnect with an ended session");
});

Deno.test("ChatClient never counts action entries (edits, deletes, reactions) as unread", () => {
  const { client, latest } = setup();
  client.takeReadStates([withRead("r1", 1, 0)]);
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2, USER.id)]);
  assert.equal(client.room("r1").unread.value, 0);
  latest().receive({ type: "message", ...message(3), kind: "reaction", target: 2, emoji: "👍" });
  latest().receive({ type: "message", ...message(4), kind: "edit", target: 1 });
  assert.equal(client.room("r1").unread.value, 0, "actions are never unread");
  latest().receive({ type: "message", ...message(5) });
  assert.equal(client.room("r1").unread.value, 1);
});

Deno.test("ChatClient.sendUploading() holds a recording and later messages until the upload is stored, then sends each once", async () => {
  const { client, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest());
  const media = { kind: "voice" as const, duration: 3.2, waveform: [0, 128, 255] };
  const shown = { id: "pending-voice", name: "v.webm", size: 10, type: "audio/webm", media };
  let finish!: (files: typeof shown[]) => void;
  const upload = new Promise<typeof shown[]>((resolve) => finish = resolve);
  client.sendUploading("r1", [shown], upload);
  client.send("r1", "said after the recording");
  assert.deepEqual(latest().frames("send"), [], "nothing is sent before the file is stored");
  assert.deepEqual(
    client.outbox.entries.value.map((entry) => [entry.held, entry.attachments?.[0]?.media]),
    [["upload", media], [undefined, undefined]],
  );

  const stored = { ...shown, id: "a".repeat(64), type: "video/webm" };
  finish([stored]);
  await upload;
  await Promise.resolve();
  assert.deepEqual(latest().frames("send"), [
    {
      type: "send",
      room: "r1",
      clientId: "client-id-1",
      text: "",
      attachments: [{ id: stored.id, media }],
    },
    { type: "send", room: "r1", clientId: "client-id-2", text: "said after the recording" },
  ]);
});

Deno.test("ChatClient marks a recording whose upload was refused failed, and one whose page closed mid-upload lost", async () => {
  const { client, storage } = setup();
  client.openRoom("r1");
  const shown = {
    id: "pending-voice",
    name: "v.webm",
    size: 10,
    type: "audio/webm",
    media: { kind: "voice" as const, duration: 1 },
  };
  const refused = Promise.reject(new Error("The file's contents do not match its name or type"));
  client.sendUploading("r1", [shown], refused);
  await refused.catch(() => {});
  await Promise.resolve();
  assert.deepEqual(
    client.outbox.entries.value.map((entry) => [entry.status, entry.error]),
    [["failed", "The file's contents do not match its name or type"]],
  );
  client.sendUploading("r1", [shown], new Promise(() => {}));
  client.close();

  const reloaded = setup({ storage });
  reloaded.client.openRoom("r1");
  reloaded.client.connect();
  assert.deepEqual(
    reloaded.client.outbox.entries.value.map((entry) => [entry.status, entry.error]),
    [["failed", "The file's contents do not match its name or type"], ["failed", LOST_UPLOAD]],
  );
});

Deno.test("ChatClient reconnects at once, without backoff, when the server closes with 1012 (restarting), then resumes and resends its outbox", () => {
  const { client, sockets, latest } = setup();
  client.openRoom("r1");
  client.connect();
  online(latest(), [message(1), message(2)]);
  assert.equal(client.send("r1", "sent during the restart"), null);
  const unacked = latest().frames("send");
  latest().readyState = 3;
  latest().onclose?.(new CloseEvent("close", { code: CLOSE_SERVICE_RESTART }));
  assert.equal(sockets.length, 2, "a new socket without waiting for any timer");
  assert.equal(client.status.value.state, "connecting");
  welcome(latest());
  assert.deepEqual(latest().frames("subscribe"), [{ type: "subscribe", room: "r1", after: 2 }]);
  latest().receive({ type: "subscribed", room: "r1", head: 2, reset: false });
  assert.deepEqual(latest().frames("send"), unacked, "the same clientId again");
});

Deno.test("ChatClient falls back to its shortest backoff when the reconnect after a 1012 fails", () => {
  const { client, clock, sockets, latest } = setup();
  client.connect();
  welcome(latest());
  latest().readyState = 3;
  latest().onclose?.(new CloseEvent("close", { code: CLOSE_SERVICE_RESTART }));
  latest().drop();
  const status = client.status.value;
  assert.equal(status.state === "reconnecting" && status.attempt, 1);
  waitForRetry(client, clock);
  assert.equal(sockets.length, 3);
});
