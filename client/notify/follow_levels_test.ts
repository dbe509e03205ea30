import assert from "node:assert/strict";
import { PROTOCOL_VERSION } from "../../lib/common/protocol.ts";
import { FakeClock } from "../../lib/common/testing/fake_clock.ts";
import { ChatClient } from "../chat_client.ts";
import { fakeSockets, type FakeWebSocket } from "../testing/fake_web_socket.ts";
import { MemoryStorage } from "../testing/memory_storage.ts";
import { followLevels } from "./follow_levels.ts";
import { NotifyLevels } from "./notify_levels.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";

/** A client on fake sockets, levels the page came with at `listed`, and the reads made. */
function setup(listed: string) {
  const clock = new FakeClock();
  const { Socket, sockets } = fakeSockets();
  const client = new ChatClient({
    user: { id: "u1", name: "ada" },
    url: "ws://chat.test/ws?v=2",
    WebSocket: Socket,
    storage: new MemoryStorage(),
    clock,
    events: new EventTarget(),
    random: () => 0.5,
    isOnline: () => true,
  });
  const levels = new NotifyLevels({ levels: {}, version: listed });
  const reads: string[] = [];
  const relist = (read: NotifyLevels) => {
    assert.equal(read, levels);
    reads.push(client.welcome!.levels);
    return Promise.resolve();
  };
  const welcome = (mark: string) => {
    const socket = sockets.at(-1) as FakeWebSocket;
    socket.open();
    socket.receive({
      type: "welcome",
      v: PROTOCOL_VERSION,
      user: { id: "u1", name: "ada" },
      node: "n1",
      heartbeatMs: 1_000,
      socket: "s1",
      levels: mark,
      lists: { rooms: "", friends: "" },
    });
  };
  const reconnect = (mark: string) => {
    (sockets.at(-1) as FakeWebSocket).drop();
    const status = client.status.value;
    assert.equal(status.state, "reconnecting");
    if (status.state === "reconnecting") clock.advance(status.retryAt - clock.now());
    welcome(mark);
  };
  return { client, levels, reads, relist, welcome, reconnect };
}

Deno.test("followLevels() reads the levels after a first welcome whose mark is newer than the page's list, and only then", () => {
  // A level changed between the page's render (its list at V1) and its socket.
  const newer = setup(V1);
  const stopNewer = followLevels(newer.client, newer.levels, newer.relist);
  newer.client.connect();
  newer.welcome(V2);
  assert.deepEqual(newer.reads, [V2]);
  stopNewer();
  newer.client.close();

  // No change since the render (or none ever): a page load reads nothing.
  for (const [listed, mark] of [[V1, V1], ["", ""]] as const) {
    const same = setup(listed);
    const stop = followLevels(same.client, same.levels, same.relist);
    same.client.connect();
    same.welcome(mark);
    assert.deepEqual(same.reads, [], `list ${listed || '""'}, mark ${mark || '""'}`);
    stop();
    same.client.close();
  }
});

Deno.test("followLevels() reads the levels after every reconnect, whatever the mark", () => {
  const { client, levels, reads, relist, welcome, reconnect } = setup(V1);
  const stop = followLevels(client, levels, relist);
  client.connect();
  welcome(V1);
  reconnect(V1);
  reconnect(V1);
  assert.deepEqual(reads, [V1, V1]);
  stop();
  client.close();
});

Deno.test("followLevels() started once the page is online goes by the welcome it missed", () => {
  // The app services' chunk came after the first welcome.
  const { client, levels, reads, relist, welcome, reconnect } = setup(V1);
  client.connect();
  welcome(V2);
  const stop = followLevels(client, levels, relist);
  assert.deepEqual(reads, [V2]);
  reconnect(V2);
  assert.deepEqual(reads, [V2, V2]);
  stop();
  client.close();
});
