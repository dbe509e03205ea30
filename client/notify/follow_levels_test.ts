import assert from "node:assert/strict";
import { welcomedClient } from "../testing/welcomed_client.ts";
import { followLevels } from "./follow_levels.ts";
import { NotifyLevels } from "./notify_levels.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";

/** A client on fake sockets, levels the page came with at `listed`, and the reads made. */
function setup(listed: string) {
  const { client, welcome: welcomeWith, reconnect: reconnectWith } = welcomedClient();
  const levels = new NotifyLevels({ levels: {}, version: listed });
  const reads: string[] = [];
  const relist = (read: NotifyLevels) => {
    assert.equal(read, levels);
    reads.push(client.welcome!.lists.rooms);
    return Promise.resolve();
  };
  // The levels are dated by the conversation list's mark (`rooms_mark`).
  const welcome = (mark: string) => welcomeWith({ lists: { rooms: mark } });
  const reconnect = (mark: string) => reconnectWith({ lists: { rooms: mark } });
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
