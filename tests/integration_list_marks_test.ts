/**
 * Integration tests (real KV, real WebSocket) of the marks that date a user's lists: the page
 * comes with the marks its conversation and friend lists were read at (`listMarks`), a socket's
 * `welcome` carries those of its connect (`lists`), and every change of a list, whoever makes
 * it, moves that list's mark and no other, so a page whose first socket came after a change
 * knows which list to read again (`client/follow_lists.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ListMarks } from "../lib/common/api_types.ts";
import {
  api,
  befriend,
  createRoom,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { withTestServer } from "./helpers/test_server.ts";
import { SESSION_USER_COOKIE } from "../lib/server/session_cookie.ts";

/** The marks the chat page of `user` came with (its island's props). */
async function pageMarks(url: string, user: TestUser): Promise<ListMarks> {
  const html = await (await fetch(url, { headers: { cookie: user.cookie } })).text();
  const json = html.match(/<script[^>]*data-island-props[^>]*>(.*?)<\/script>/s)?.[1];
  assert.ok(json, "the page has island props");
  return JSON.parse(json).listMarks;
}

/** The marks a new socket of `user` is welcomed with. */
async function welcomeMarks(url: string, user: TestUser): Promise<ListMarks> {
  const socket = new TestSocket(url, user);
  try {
    return (await socket.next("welcome")).lists;
  } finally {
    await socket.close();
  }
}

/** Asserts that `status` is what a successful call answers. */
function ok({ status }: { status: number }, what: string): void {
  assert.ok(status >= 200 && status < 300, `${what}: ${status}`);
}

/**
 * A checker of `user`'s marks: `moves(list, what, change)` runs `change` and asserts that it
 * moved `list`'s mark on the page, left the other list's alone, and that a socket's welcome
 * carries the page's marks.
 */
function marksOf(url: string, user: TestUser) {
  const check = async (list: keyof ListMarks | null, what: string, change: () => Promise<void>) => {
    const before = await pageMarks(url, user);
    await change();
    const after = await pageMarks(url, user);
    for (const name of ["rooms", "friends"] as const) {
      if (name === list) assert.ok(after[name] > before[name], `${what} moves the ${name} mark`);
      else assert.equal(after[name], before[name], `${what} leaves the ${name} mark`);
    }
    assert.deepEqual(await welcomeMarks(url, user), after, `${what}: the welcome's marks`);
  };
  return {
    moves: (list: keyof ListMarks, what: string, change: () => Promise<void>) =>
      check(list, what, change),
    stays: (what: string, change: () => Promise<void>) => check(null, what, change),
  };
}

Deno.test("every change of a user's conversation list moves its mark, in the page and the welcome alike", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, bob, alice);
    const { moves, stays } = marksOf(url, alice);
    const before = await pageMarks(url, alice);
    assert.deepEqual(await welcomeMarks(url, alice), before, "no change: the page's marks");

    const room = await createRoom(url, bob, [], "lobby");
    const rooms = `/api/rooms/${room.id}`;
    await stays("a room she is not in, renamed", async () => {
      ok(await api(url, bob, "PATCH", rooms, { name: "hall" }), "rename");
    });
    await moves("rooms", "joining", async () => {
      ok(await api(url, alice, "POST", `${rooms}/join`), "join");
    });
    await moves("rooms", "a rename", async () => {
      ok(await api(url, bob, "PATCH", rooms, { name: "atrium" }), "rename");
    });
    await moves("rooms", "a mute", async () => {
      ok(await api(url, bob, "POST", `${rooms}/members/${alice.id}/mute`), "mute");
    });
    await moves("rooms", "an unmute", async () => {
      ok(await api(url, bob, "POST", `${rooms}/members/${alice.id}/unmute`), "unmute");
    });
    await moves("rooms", "a kick", async () => {
      ok(await api(url, bob, "POST", `${rooms}/members/${alice.id}/kick`), "kick");
    });
    await moves("rooms", "being added by a friend", async () => {
      ok(await api(url, bob, "POST", `${rooms}/invites`, { username: alice.name }), "invite");
    });
    await moves("rooms", "leaving", async () => {
      ok(await api(url, alice, "POST", `${rooms}/leave`), "leave");
    });
    await moves("rooms", "a DM opened by the friend", async () => {
      ok(await api(url, bob, "POST", "/api/dms", { username: alice.name }), "open DM");
    });
    const doomed = await createRoom(url, bob, [alice], "doomed");
    await moves("rooms", "the room deleted", async () => {
      ok(await api(url, bob, "DELETE", `/api/rooms/${doomed.id}`), "delete");
    });
  });
});

Deno.test("every change of a user's friends, requests or blocks moves the friend lists' mark, and a block she cannot see does not", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const carol = await registerUser(url, "carol");
    const dave = await registerUser(url, "dave");
    const erin = await registerUser(url, "erin");
    const frank = await registerUser(url, "frank");
    const gina = await registerUser(url, "gina");
    const { moves, stays } = marksOf(url, alice);
    const request = (from: TestUser, to: TestUser) =>
      api(url, from, "POST", "/api/friends/requests", { username: to.name });

    await moves(
      "friends",
      "a request received",
      async () => ok(await request(carol, alice), "ask"),
    );
    await moves("friends", "declining it", async () => {
      ok(await api(url, alice, "POST", `/api/friends/requests/${carol.name}/decline`), "decline");
    });
    await moves("friends", "a request sent", async () => ok(await request(alice, dave), "ask"));
    await moves("friends", "withdrawing it", async () => {
      ok(await api(url, alice, "DELETE", `/api/friends/requests/${dave.name}`), "cancel");
    });
    await moves("friends", "a request received and withdrawn", async () => {
      ok(await request(dave, alice), "ask");
      const before = await pageMarks(url, alice);
      ok(await api(url, dave, "DELETE", `/api/friends/requests/${alice.name}`), "cancel");
      assert.ok((await pageMarks(url, alice)).friends > before.friends, "the withdrawal");
    });
    await moves("friends", "her request accepted", async () => {
      ok(await request(alice, erin), "ask");
      ok(await api(url, erin, "POST", `/api/friends/requests/${alice.name}/accept`), "accept");
    });
    await moves("friends", "a friend removing her", async () => {
      ok(await api(url, erin, "DELETE", `/api/friends/${alice.name}`), "remove");
    });
    await moves("friends", "blocking someone", async () => {
      ok(await api(url, alice, "POST", "/api/friends/blocks", { username: frank.name }), "block");
    });
    await moves("friends", "unblocking", async () => {
      ok(await api(url, alice, "DELETE", `/api/friends/blocks/${frank.name}`), "unblock");
    });
    await moves("friends", "blocked by someone she had asked", async () => {
      ok(await request(alice, gina), "ask");
      const before = await pageMarks(url, alice);
      ok(await api(url, gina, "POST", "/api/friends/blocks", { username: alice.name }), "block");
      assert.ok((await pageMarks(url, alice)).friends > before.friends, "the block");
    });
    // A block between strangers changes nothing she can see, and must not tell her of it.
    await stays("blocked by a stranger", async () => {
      ok(await api(url, carol, "POST", "/api/friends/blocks", { username: alice.name }), "block");
    });
  });
});

/**
 * A KV whose next socket connect of a user (the session's `getMany` that reads their
 * `rooms_mark` with three or four keys; a page reads two) answers only once `change` ran: the
 * change is committed after the connect read the marks and told before the socket opened, the
 * upgrade's round trip made certain without a sleep.
 */
function kvWithConnectWindow(kv: Deno.Kv) {
  let window: { user: string; change: () => Promise<void> } | undefined;
  const wrapped = new Proxy(kv, {
    get(target, property) {
      if (property === "getMany") {
        return async (keys: Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
          const found = await target.getMany(keys, options);
          const armed = window;
          const marks = (key: Deno.KvKey) => key[0] === "rooms_mark" && key[1] === armed?.user;
          if (armed && keys.length > 2 && keys.some(marks)) {
            window = undefined;
            await armed.change();
          }
          return found;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    kv: wrapped as Deno.Kv,
    /** Runs `change` inside the next connect of `user`, between its marks' read and its socket. */
    inNextConnect(user: string, change: () => Promise<void>) {
      window = { user, change };
    },
  };
}

Deno.test("a room joined while a socket connects is told to it after its welcome, with or without the user hint", async () => {
  const memory = await Deno.openKv(":memory:");
  const { kv, inNextConnect } = kvWithConnectWindow(memory);
  try {
    await withTestServer(async ({ url }) => {
      const alice = await registerUser(url, "alice");
      const bob = await registerUser(url, "bob");
      await befriend(url, bob, alice);
      // Her open tab: it gets each event as the hub delivers it.
      const tab = new TestSocket(url, alice);
      await tab.next("welcome");
      // A session cookie alone (no `uid`): the session is read first, then the marks.
      const noHint = {
        ...alice,
        cookie: alice.cookie.split("; ").filter((part) =>
          !part.startsWith(`${SESSION_USER_COOKIE}=`)
        ).join("; "),
      };
      assert.notEqual(noHint.cookie, alice.cookie, "the cookie had a user hint");
      for (const [how, user] of [["with the hint", alice], ["without it", noHint]] as const) {
        const room = await createRoom(url, bob, [], `lobby ${how}`);
        const page = await pageMarks(url, alice);
        inNextConnect(alice.id, async () => {
          ok(
            await api(url, bob, "POST", `/api/rooms/${room.id}/invites`, {
              username: alice.name,
            }),
            "invite",
          );
          await tab.next(
            "user_event",
            ({ event }) => event.kind === "room_joined" && event.room.id === room.id,
          );
        });
        const socket = new TestSocket(url, user);
        try {
          const welcome = await socket.next("welcome");
          // A round trip after the welcome: whatever was held came before its answer.
          socket.send({ type: "ping", ref: "after" });
          await socket.next("pong", (frame) => frame.ref === "after");
          const told = socket.frames.findIndex((frame) =>
            frame.type === "user_event" && frame.event.kind === "room_joined" &&
            frame.event.room.id === room.id
          );
          assert.ok(
            told > socket.frames.indexOf(welcome) || welcome.lists.rooms > page.rooms,
            `${how}: the join is told, or dated newer than the page's list (${
              JSON.stringify(socket.frames.map((frame) => frame.type))
            })`,
          );
          assert.equal(socket.frames[0]?.type, "welcome", `${how}: the welcome comes first`);
        } finally {
          await socket.close();
        }
      }
      await tab.close();
    }, { kv });
  } finally {
    memory.close();
  }
});
