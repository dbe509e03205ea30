import assert from "node:assert/strict";
import { decode, keys } from "./kv_keys.ts";
import { isTimedClientId, timedClientId } from "../common/client_id.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";

async function listKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<Deno.KvKey[]> {
  const found: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix })) found.push(entry.key);
  return found;
}

Deno.test("keys.message() of one room sort by seq numerically in real KV", async () => {
  await withMemoryKv(async (kv) => {
    const seqs = [10, 2, 100, 1, 20, 3, 1000, 9, 11];
    for (const seq of seqs) await kv.set(keys.message("room", seq), seq);
    const listed = await listKeys(kv, keys.messages("room"));
    assert.deepEqual(listed.map((key) => key[2]), [...seqs].sort((a, b) => a - b));
    const backwards: number[] = [];
    for await (
      const entry of kv.list<number>({ prefix: keys.messages("room") }, { reverse: true })
    ) {
      backwards.push(entry.value);
    }
    assert.deepEqual(backwards, [1000, 100, 20, 11, 10, 9, 3, 2, 1]);
  });
});

Deno.test("keys.message() ranges select seqs by number: start at seq 2 excludes 1, includes 10", async () => {
  await withMemoryKv(async (kv) => {
    for (const seq of [1, 2, 10, 11]) await kv.set(keys.message("room", seq), seq);
    const listed: number[] = [];
    const selector = { start: keys.message("room", 2), end: keys.message("room", 11) };
    for await (const entry of kv.list<number>(selector)) listed.push(entry.value);
    assert.deepEqual(listed, [2, 10]);
  });
});

Deno.test("keys.messages() of a room lists only that room, even when another room's id extends it", async () => {
  await withMemoryKv(async (kv) => {
    const rooms = ["a", "ab", "a-b", "b", "A"];
    for (let seq = 1; seq <= 3; seq++) {
      for (const room of rooms) await kv.set(keys.message(room, seq), room);
    }
    for (const room of rooms) {
      const listed = await listKeys(kv, keys.messages(room));
      assert.deepEqual(listed, [1, 2, 3].map((seq) => keys.message(room, seq)));
    }
    // All messages together: each room's keys form one contiguous run.
    const all = await listKeys(kv, ["msg"]);
    const runs = all.map((key) => key[1]).filter((room, i, list) =>
      i === 0 || room !== list[i - 1]
    );
    assert.equal(runs.length, rooms.length);
  });
});

Deno.test("keys.userRooms() and keys.rooms() prefixes list only their own records", async () => {
  await withMemoryKv(async (kv) => {
    await kv.set(keys.userRoom("u1", "r1"), 1);
    await kv.set(keys.userRoom("u1", "r2"), 1);
    await kv.set(keys.userRoom("u10", "r1"), 1);
    await kv.set(keys.roomMember("r1", "u1"), 1);
    await kv.set(keys.room("r1"), 1);
    await kv.set(keys.roomHead("r1"), 1);
    assert.deepEqual(await listKeys(kv, keys.userRooms("u1")), [
      keys.userRoom("u1", "r1"),
      keys.userRoom("u1", "r2"),
    ]);
    assert.deepEqual(await listKeys(kv, keys.rooms()), [keys.room("r1")]);
  });
});

Deno.test("keys builders give distinct keys for distinct records and arguments", () => {
  const built: Deno.KvKey[] = [
    keys.user("x"),
    keys.user("X"),
    keys.userByName("x"),
    keys.userByName("X"),
    keys.session("x"),
    keys.loginFailures("user", "x"),
    keys.loginFailures("addr", "x"),
    keys.room("x"),
    keys.rooms(),
    keys.roomMember("x", "y"),
    keys.roomMember("y", "x"),
    keys.userRoom("x", "y"),
    keys.userRooms("x"),
    keys.roomHead("x"),
    keys.message("x", 1),
    keys.message("x", 2),
    keys.message("y", 1),
    keys.messages("x"),
    keys.messageByClientId("x", "y", "z"),
    keys.messageByClientId("x", "z", "y"),
    keys.messageByClientId("y", "x", "z"),
    keys.messageByClientId("x", "y", timedClientId(1, "z")),
    keys.messageByClientId("x", "z", timedClientId(1, "z")),
    keys.messageByClientId("y", "y", timedClientId(1, "z")),
    keys.messageByClientId("x", "y", timedClientId(2, "z")),
    keys.publicRoom(1, "x"),
    keys.publicRoom(2, "x"),
    keys.publicRoom(1, "y"),
    keys.publicRooms(),
    keys.publicRoomIndexBuilt(),
  ];
  const distinct = new Set(built.map((key) => JSON.stringify(key)));
  assert.equal(distinct.size, built.length);
});

Deno.test("keys.messageByClientId() files a timed clientId's record by its time, any other by room", () => {
  const at = (ms: number) =>
    keys.messageByClientId("room-b", "user", timedClientId(ms, "abcdefgh"));
  // Records of later sends sort after earlier ones whatever their room: they gather at the end.
  // (35 is one base-36 digit, "z": only the padding puts it first.)
  const sorted = [at(1_796_000_000_123), at(35), at(1_796_000_000_000), at(1_796_000_000_001)]
    .sort((a, b) => String(a[1]) < String(b[1]) ? -1 : 1);
  assert.deepEqual(sorted, [
    at(35),
    at(1_796_000_000_000),
    at(1_796_000_000_001),
    at(1_796_000_000_123),
  ]);
  assert.equal(isTimedClientId(timedClientId(Date.now(), "x")), true);
  for (
    const plain of ["0123456789abcdef0123456789abcdef", "cid-0001", "t12345678_9", "tABCDEFGHI_x"]
  ) {
    assert.equal(isTimedClientId(plain), false, plain);
    assert.deepEqual(keys.messageByClientId("r", "u", plain).slice(0, 2), keys.roomClientIds("r"));
  }
});

Deno.test("keys.userByName() keeps the name as given: callers case-fold before building it", () => {
  assert.notDeepEqual(keys.userByName("Alice"), keys.userByName("alice"));
  assert.deepEqual(keys.userByName("Alice".toLowerCase()), keys.userByName("alice"));
});

Deno.test("keys prefixes are prefixes of the keys they list", () => {
  const isPrefix = (prefix: Deno.KvKey, key: Deno.KvKey) =>
    prefix.length < key.length && prefix.every((part, i) => part === key[i]);
  assert.ok(isPrefix(keys.messages("r"), keys.message("r", 5)));
  assert.ok(isPrefix(keys.userRooms("u"), keys.userRoom("u", "r")));
  assert.ok(isPrefix(keys.rooms(), keys.room("r")));
  assert.ok(!isPrefix(keys.messages("r"), keys.message("r2", 5)));
  assert.ok(isPrefix(keys.presenceOf("u"), keys.presence("u", "node")));
  assert.ok(!isPrefix(keys.presenceOf("u"), keys.presence("u2", "node")));
});

Deno.test("keys.publicRoom() sorts by creation time, then id, and is listed by keys.publicRooms() only", async () => {
  await withMemoryKv(async (kv) => {
    await kv.set(keys.publicRoom(20, "a"), 1);
    await kv.set(keys.publicRoom(3, "z"), 1);
    await kv.set(keys.publicRoom(3, "b"), 1);
    await kv.set(keys.publicRoomIndexBuilt(), 1);
    await kv.set(keys.room("r1"), 1);
    assert.deepEqual(await listKeys(kv, keys.publicRooms()), [
      keys.publicRoom(3, "b"),
      keys.publicRoom(3, "z"),
      keys.publicRoom(20, "a"),
    ]);
  });
});

/** The decoders that give back a string id. */
type StringDecoder = {
  [K in keyof typeof decode]: ReturnType<typeof decode[K]> extends string ? K : never;
}[keyof typeof decode];

/** Each decoder, the builder of the keys it reads, and the prefix those keys are listed by. */
const decoders: [
  StringDecoder,
  (a: string, b: string) => Deno.KvKey,
  (a: string) => Deno.KvKey,
][] = [
  ["userRoom", keys.userRoom, keys.userRooms],
  ["roomMember", keys.roomMember, keys.roomMembers],
  ["roomBan", keys.roomBan, keys.roomBans],
  ["roomInvite", keys.roomInvite, keys.roomInvites],
  ["userInvite", keys.userInvite, keys.userInvites],
  ["friend", keys.friend, keys.friends],
  ["friendRequestOut", keys.friendRequestOut, keys.friendRequestsOut],
  ["friendRequestIn", keys.friendRequestIn, keys.friendRequestsIn],
  ["block", keys.block, keys.blocks],
  ["presence", keys.presence, keys.presenceOf],
  ["userUpload", keys.userUpload, keys.userUploads],
];

Deno.test("decode gives back the part that varies under each listed prefix, read from real KV", async () => {
  await withMemoryKv(async (kv) => {
    for (const [name, build, prefix] of decoders) {
      await kv.set(build("owner", "b-2"), 1);
      await kv.set(build("owner", "a-1"), 1);
      await kv.set(build("other", "c-3"), 1);
      const parts: string[] = [];
      for await (const entry of kv.list({ prefix: prefix("owner") })) {
        parts.push(decode[name](entry.key));
      }
      assert.deepEqual(parts, ["a-1", "b-2"], name);
    }
  });
});

Deno.test("decode refuses a key of another kind, even one of the same shape", () => {
  for (const [name] of decoders) {
    for (const [other, build] of decoders) {
      if (other === name) continue;
      assert.throws(() => decode[name](build("x", "y")), /not a "/, `${name} read a ${other} key`);
    }
    assert.throws(() => decode[name](keys.room("x")), /not a "/);
  }
});

Deno.test("decode refuses a key whose varying part is not a string", () => {
  assert.throws(() => decode.userRoom(["user_room", "u", 7]), /not a "user_room" key/);
  assert.throws(() => decode.presence(["presence", "u", "node", "extra"]), /not a "presence" key/);
});

Deno.test("decode reads file references, messages with files by author, upload parts and files back from real KV", async () => {
  await withMemoryKv(async (kv) => {
    await kv.set(keys.fileRef("f1", "room-b", 7), 1);
    await kv.set(keys.fileRef("f1", "room-a", 12), 1);
    await kv.set(keys.fileRef("f2", "room-a", 1), 1);
    const refs = [];
    for await (const entry of kv.list({ prefix: keys.fileRefs("f1") })) {
      refs.push(decode.fileRef(entry.key));
    }
    assert.deepEqual(refs, [{ room: "room-a", seq: 12 }, { room: "room-b", seq: 7 }]);
    await kv.set(keys.uploadPart("u1", 10), 1);
    await kv.set(keys.uploadPart("u1", 2), 1);
    const parts = [];
    for await (const entry of kv.list({ prefix: keys.uploadParts("u1") })) {
      parts.push(decode.uploadPart(entry.key));
    }
    assert.deepEqual(parts, [2, 10]);
    await kv.set(keys.file("abc"), 1);
    for await (const entry of kv.list({ prefix: keys.files() })) {
      assert.equal(decode.file(entry.key), "abc");
    }
    assert.throws(() => decode.fileRef(keys.uploadPart("u1", 2)), /not a "/);
    await kv.set(keys.authorFile("u1", "room-b", 3), 1);
    await kv.set(keys.authorFile("u1", "room-a", 20), 1);
    await kv.set(keys.authorFile("u2", "room-a", 1), 1);
    const written = [];
    for await (const entry of kv.list({ prefix: keys.authorFiles("u1") })) {
      written.push(decode.authorFile(entry.key));
    }
    assert.deepEqual(written, [{ room: "room-a", seq: 20 }, { room: "room-b", seq: 3 }]);
    assert.throws(() => decode.authorFile(keys.fileRef("f1", "room-a", 1)), /not a "author_file"/);
    assert.throws(() => decode.fileRef(keys.authorFile("u1", "room-a", 1)), /not a "file_ref"/);
  });
});
