import assert from "node:assert/strict";
import type { DirectRoom } from "../lib/common/api_types.ts";
import { createDevice, generateDeviceKeyPackage } from "../lib/common/e2e/mls_device.ts";
import {
  KEY_CLAIMS_PER_HOUR,
  KEY_UPLOADS_PER_HOUR,
  MAX_KEY_PACKAGES_PER_DEVICE,
} from "../lib/devices/key_packages.ts";
import { MAX_E2E_REACTION_PAYLOAD, MAX_EDITS } from "../lib/common/protocol.ts";
import { api, befriend, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { E2eDevice } from "./helpers/e2e_device.ts";
import { uploadFile } from "./helpers/upload.ts";
import {
  E2E_UPLOAD_NAME,
  E2E_UPLOAD_TYPE,
  openFile,
  sealFile,
} from "../lib/common/e2e/e2e_file.ts";
import { replyQuote } from "../lib/common/e2e/e2e_content.ts";
import { createEncryptedGroup, formMlsGroup } from "./helpers/encrypted_group.ts";
import { withTestServer } from "./helpers/test_server.ts";

async function secretChat(baseUrl: string, from: TestUser, to: TestUser): Promise<DirectRoom> {
  const opened = await api<{ room: DirectRoom }>(baseUrl, from, "POST", "/api/dms", {
    username: to.name,
    encrypted: true,
  });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  return opened.body.room;
}

/** Alice and Bob, friends, each with one device in their secret chat's group. */
async function aliceAndBobInSecretChat(baseUrl: string) {
  const aliceUser = await registerUser(baseUrl, "alice");
  const bobUser = await registerUser(baseUrl, "bob");
  await befriend(baseUrl, aliceUser, bobUser);
  const room = await secretChat(baseUrl, aliceUser, bobUser);
  const alice = await E2eDevice.open(baseUrl, aliceUser, "alice-phone");
  const bob = await E2eDevice.open(baseUrl, bobUser, "bob-laptop");
  await alice.enter(room.id);
  await bob.enter(room.id);
  await alice.startGroup();
  const added = await alice.add(await alice.claim(bobUser.id));
  await bob.readUntil(added);
  assert.deepEqual(bob.read.get(added), { kind: "joined" });
  return { alice, bob, room, aliceUser, bobUser };
}

Deno.test("secret chat: a DM opened as encrypted is a room of its own, marked encrypted", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, alice, bob);
    const secret = await secretChat(url, alice, bob);
    const plain = await api<{ room: DirectRoom }>(url, alice, "POST", "/api/dms", {
      username: bob.name,
    });
    assert.equal(secret.encrypted, true);
    assert.equal(plain.body.room.encrypted, undefined);
    assert.notEqual(secret.id, plain.body.room.id);
    assert.equal((await secretChat(url, bob, alice)).id, secret.id, "the pair's one secret chat");
  });
});

Deno.test("KeyPackages: a friend claims one per device, each handed out once", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const stranger = await registerUser(url, "eve");
    await befriend(url, alice, bob);
    const bobLaptop = await E2eDevice.open(url, bob, "bob-laptop", 2);
    const bobPhone = await E2eDevice.open(url, bob, "bob-phone", 1);
    const aliceDevice = await E2eDevice.open(url, alice, "alice-phone", 1);
    try {
      const first = await aliceDevice.claim(bob.id);
      assert.deepEqual(first.map((c) => c.deviceId).sort(), ["bob-laptop", "bob-phone"]);
      const second = await aliceDevice.claim(bob.id);
      assert.deepEqual(second.map((c) => c.deviceId), ["bob-laptop"]);
      assert.ok(!second.some((c) => first.some((f) => f.keyPackage === c.keyPackage)));
      const none = await api(url, alice, "POST", "/api/e2e/claim", { user: bob.id });
      assert.equal(none.status, 404);
      const refused = await api(url, stranger, "POST", "/api/e2e/claim", { user: alice.id });
      assert.equal(refused.status, 404, "a stranger gets the same answer as for no keys");
      const count = await api<{ count: number }>(
        url,
        alice,
        "GET",
        "/api/e2e/devices/alice-phone/key_packages",
      );
      assert.deepEqual(count.body, { count: 1 });
    } finally {
      await Promise.all([bobLaptop.close(), bobPhone.close(), aliceDevice.close()]);
    }
  });
});

Deno.test("KeyPackages: a device removed at logout leaves none to claim; only its own user can remove it", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, alice, bob);
    const bobLaptop = await E2eDevice.open(url, bob, "bob-laptop", 3);
    const bobPhone = await E2eDevice.open(url, bob, "bob-phone", 1);
    try {
      const byAlice = await api(url, alice, "DELETE", "/api/e2e/devices/bob-laptop");
      assert.equal(byAlice.status, 204, "names a device of alice's own, which has nothing");
      const removed = await api(url, bob, "DELETE", "/api/e2e/devices/bob-laptop");
      assert.equal(removed.status, 204);
      const left = await api<{ count: number }>(
        url,
        bob,
        "GET",
        "/api/e2e/devices/bob-laptop/key_packages",
      );
      assert.deepEqual(left.body, { count: 0 });
      const claimed = await api<{ keyPackages: { deviceId: string }[] }>(
        url,
        alice,
        "POST",
        "/api/e2e/claim",
        { user: bob.id },
      );
      assert.deepEqual(claimed.body.keyPackages.map((k) => k.deviceId), ["bob-phone"]);
      assert.equal((await api(url, alice, "POST", "/api/e2e/claim", { user: bob.id })).status, 404);
      assert.equal((await api(url, bob, "DELETE", "/api/e2e/devices/bob-laptop")).status, 204);
      assert.equal((await api(url, bob, "DELETE", "/api/e2e/devices/no")).status, 400);
    } finally {
      await Promise.all([bobLaptop.close(), bobPhone.close()]);
    }
  });
});

Deno.test("KeyPackages: an upload in another identity, malformed or over the limit stores nothing", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const upload = (keyPackages: string[], device = "alice-phone") =>
      api(url, alice, "PUT", `/api/e2e/devices/${device}/key_packages`, { keyPackages });
    const mine = await generateDeviceKeyPackage(await createDevice(alice.id, "alice-phone"));
    const bobs = await generateDeviceKeyPackage(await createDevice(bob.id, "alice-phone"));
    const otherDevice = await generateDeviceKeyPackage(await createDevice(alice.id, "other-dev"));
    assert.equal((await upload([mine.encoded, bobs.encoded])).status, 400);
    assert.equal((await upload([otherDevice.encoded])).status, 400);
    assert.equal((await upload(["AAAA"])).status, 400);
    assert.equal((await upload([mine.encoded.slice(0, -8)])).status, 400);
    const count = () =>
      api<{ count: number }>(url, alice, "GET", "/api/e2e/devices/alice-phone/key_packages");
    assert.deepEqual((await count()).body, { count: 0 });
    const many = Array.from({ length: MAX_KEY_PACKAGES_PER_DEVICE }, () => mine.encoded);
    assert.equal((await upload(many)).status, 200);
    assert.equal((await upload([mine.encoded])).status, 409);
    assert.deepEqual((await count()).body, { count: MAX_KEY_PACKAGES_PER_DEVICE });
  });
});

Deno.test("KeyPackages: claims and uploads past their hourly limit are refused with Retry-After", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, alice, bob);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { cookie: alice.cookie, origin: url, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // Bob has no device: each claim finds nothing (404), and still counts.
    for (let i = 0; i < KEY_CLAIMS_PER_HOUR; i++) {
      const claimed = await call("POST", "/api/e2e/claim", { user: bob.id });
      assert.equal(claimed.status, 404);
      await claimed.body?.cancel();
    }
    const refused = await call("POST", "/api/e2e/claim", { user: bob.id });
    assert.equal(refused.status, 429);
    assert.equal((await refused.json()).code, "refusal.keyRequestsTooFast");
    assert.ok(Number(refused.headers.get("retry-after")) > 0);

    // The device's 10 are stored by the first upload; the others are refused (409) but count.
    const held = await generateDeviceKeyPackage(await createDevice(alice.id, "alice-phone"));
    const path = "/api/e2e/devices/alice-phone/key_packages";
    for (let i = 0; i < KEY_UPLOADS_PER_HOUR; i++) {
      const uploaded = await call("PUT", path, { keyPackages: [held.encoded] });
      assert.equal(uploaded.status, i < MAX_KEY_PACKAGES_PER_DEVICE ? 200 : 409);
      await uploaded.body?.cancel();
    }
    const tooFast = await call("PUT", path, { keyPackages: [held.encoded] });
    assert.equal(tooFast.status, 429);
    assert.ok(Number(tooFast.headers.get("retry-after")) > 0);
    await tooFast.body?.cancel();
  });
});

Deno.test("the server refuses to create an encrypted public room: anyone could join and read it", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const create = (visibility: string) =>
      api<{ code?: string }>(url, alice, "POST", "/api/rooms", {
        name: `vault-${visibility}`,
        visibility,
        encrypted: true,
      });
    const refused = await create("public");
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, "refusal.publicRoomEncrypted");
    assert.equal((await create("private")).status, 201);
  });
});

Deno.test("secret chat: Alice and Bob read each other through the server in MLS", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room } = await aliceAndBobInSecretChat(url);
    try {
      const hello = await alice.say("你好，Bob：只有你能读到");
      await bob.readUntil(hello);
      assert.equal(bob.textAt(hello), "你好，Bob：只有你能读到");
      const reply = await bob.say("hi Alice");
      await alice.readUntil(reply);
      assert.equal(alice.textAt(reply), "hi Alice");
      const delivered = bob.socket.messages(room.id);
      assert.ok(delivered.every((m) => m.text === "" && m.e2e), "nothing delivered in clear");
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("secret chat: a removed device receives later ciphertext and cannot read it", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room, bobUser } = await aliceAndBobInSecretChat(url);
    const bobPhone = await E2eDevice.open(url, bobUser, "bob-phone-1");
    try {
      await bobPhone.enter(room.id);
      const addedPhone = await bob.add(await bob.claim(bobUser.id));
      await bobPhone.readUntil(addedPhone);
      await alice.readUntil(addedPhone);
      const before = await alice.say("all three devices");
      await bobPhone.readUntil(before);
      assert.equal(bobPhone.textAt(before), "all three devices");
      // Alice removes Bob's devices; the phone stays subscribed and keeps its old keys.
      const removed = await alice.removeUser(bobUser.id);
      const after = await alice.say("the phone must not read this");
      await bobPhone.readUntil(after);
      await bob.readUntil(after);
      assert.equal(bobPhone.socket.messages(room.id).some((m) => m.seq === after), true);
      assert.notEqual(bobPhone.textAt(after), "the phone must not read this");
      assert.notEqual(bob.textAt(after), "the phone must not read this");
      assert.ok(alice.group!.members.every((member) => !member.startsWith(bobUser.id)));
      assert.ok(removed < after);
    } finally {
      await Promise.all([alice.close(), bob.close(), bobPhone.close()]);
    }
  });
});

Deno.test("secret chat: a tampered ciphertext is 'could not decrypt' and later messages still read", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob } = await aliceAndBobInSecretChat(url);
    try {
      const good = await alice.group!.encrypt("real");
      const bytes = atob(good.data).split("");
      bytes[bytes.length - 3] = String.fromCharCode(bytes[bytes.length - 3]!.charCodeAt(0) ^ 4);
      const bad = await alice.sendPayload({ kind: "message", data: btoa(bytes.join("")) });
      const next = await alice.say("after the bad one");
      await bob.readUntil(next);
      assert.equal((bob.read.get(bad) as { kind: string }).kind, "undecryptable");
      assert.equal(bob.textAt(next), "after the bad one");
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("the server refuses plain text in an encrypted room and ciphertext in a plain one", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, alice, bob);
    const secret = await secretChat(url, alice, bob);
    const plain = await api<{ room: DirectRoom }>(url, alice, "POST", "/api/dms", {
      username: bob.name,
    });
    const socket = await openSocket(url, alice);
    try {
      socket.send({ type: "send", room: secret.id, clientId: "plain-in-secret", text: "hello" });
      const first = await socket.next("error", (f) => f.clientId === "plain-in-secret");
      assert.equal(first.code, "encryption_mismatch");
      const e2e = { kind: "message" as const, data: "AAAA" };
      socket.send({
        type: "send",
        room: plain.body.room.id,
        clientId: "e2e-in-plain",
        text: "",
        e2e,
      });
      const second = await socket.next("error", (f) => f.clientId === "e2e-in-plain");
      assert.equal(second.code, "encryption_mismatch");
      socket.send({ type: "send", room: secret.id, clientId: "both-kinds", text: "leak", e2e });
      const third = await socket.next("error", (f) => f.clientId === "both-kinds");
      assert.equal(third.code, "bad_frame");
      await socket.subscribe(secret.id);
      await socket.subscribe(plain.body.room.id);
      assert.equal(
        socket.messages(secret.id).length + socket.messages(plain.body.room.id).length,
        0,
      );
      const history = await api<{ room: unknown }>(url, alice, "POST", "/api/rooms", {
        name: "open secrets",
        visibility: "public",
        encrypted: true,
      });
      assert.equal(history.status, 400);
      const group = await api<{ room: { encrypted?: true } }>(url, alice, "POST", "/api/rooms", {
        name: "closed secrets",
        visibility: "private",
        encrypted: true,
      });
      assert.equal(group.status, 201);
      assert.equal(group.body.room.encrypted, true);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("an encrypted room's history and resume deliver its payloads, and KV holds no plaintext", async () => {
  await withTestServer(async ({ url, kv }) => {
    const { alice, bob, room, bobUser } = await aliceAndBobInSecretChat(url);
    const secrets = ["机密：周五下午三点见", "the launch code is tangerine", "密钥轮换"];
    try {
      let last = 0;
      for (const secret of secrets) last = await alice.say(secret);
      await bob.readUntil(last);
      assert.deepEqual(secrets.map((_, i) => bob.textAt(last - secrets.length + 1 + i)), secrets);
      // A second socket resumes from seq 0 and gets every payload, in order, as stored.
      const again = await openSocket(url, bobUser);
      await again.subscribe(room.id, 0);
      await again.waitForMessages(room.id, last);
      const replayed = again.messages(room.id);
      assert.deepEqual(replayed.map((m) => m.seq), Array.from({ length: last }, (_, i) => i + 1));
      assert.deepEqual(replayed.map((m) => m.e2e), bob.socket.messages(room.id).map((m) => m.e2e));
      await again.close();
      const dump: string[] = [];
      for await (const entry of kv.list({ prefix: [] })) {
        dump.push(JSON.stringify(entry.key), JSON.stringify(entry.value, bytesAsText));
      }
      const all = dump.join("\n");
      // A short Latin piece ("the") turns up by chance in the base64 of ciphertexts and random
      // ids (1 in 64³ per position); a CJK piece or one of five letters cannot, in practice.
      const telling = (piece: string) => piece.length >= 5 || /\p{Script=Han}/u.test(piece);
      for (const secret of secrets) {
        for (const piece of [secret, secret.slice(0, 4), ...secret.split(/\s+/)]) {
          if (telling(piece)) assert.ok(!all.includes(piece), `KV holds "${piece}"`);
        }
      }
      assert.ok(
        all.includes(bob.socket.messages(room.id).at(-1)!.e2e!.data),
        "KV holds the payload",
      );
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

/** Values as text: byte arrays (file chunks) decoded as UTF-8 so plaintext in them is found. */
function bytesAsText(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}

Deno.test("encrypted private group: invited members are added by an MLS commit; a kicked one cannot read what follows", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const carolUser = await registerUser(url, "carol");
    const room = await createEncryptedGroup(url, aliceUser, [bobUser, carolUser], "plans", {
      befriendFirst: true,
    });
    const [alice, bob, carol] = await Promise.all([
      E2eDevice.open(url, aliceUser, "alice-phone"),
      E2eDevice.open(url, bobUser, "bob-laptop"),
      E2eDevice.open(url, carolUser, "carol-phone", 3),
    ]);
    try {
      for (const device of [alice, bob, carol]) await device.enter(room);
      await formMlsGroup(room, [alice, bob, carol]);
      const hello = await alice.say("周五的计划");
      for (const device of [bob, carol]) {
        await device.readUntil(hello);
        assert.equal(device.textAt(hello), "周五的计划");
      }
      // Bob and Carol are not friends: the room they share lets one claim the other's keys.
      const fellow = await api(url, bobUser, "POST", "/api/e2e/claim", {
        user: carolUser.id,
        room,
      });
      assert.equal(fellow.status, 200);
      const kicked = await api(
        url,
        aliceUser,
        "POST",
        `/api/rooms/${room}/members/${carolUser.id}/kick`,
      );
      assert.ok(kicked.status < 300, `kick: ${kicked.status}`);
      const removal = await alice.removeUser(carolUser.id);
      const after = await alice.say("carol is gone");
      await bob.readUntil(after);
      assert.equal(bob.textAt(after), "carol is gone");
      assert.deepEqual(bob.group!.members, [
        `${aliceUser.id}:alice-phone`,
        `${bobUser.id}:bob-laptop`,
      ]);
      // Carol no longer gets the room; handed the later entries anyway (a leak, a stolen copy of
      // the store), her device still cannot read them.
      const log = bob.socket.messages(room);
      for (const seq of [removal, after]) {
        const entry = log.find((m) => m.seq === seq)!;
        const incoming = await carol.group!.receive(entry.e2e!);
        assert.notEqual(incoming.kind === "message" && incoming.text, "carol is gone");
      }
      const refused = await api(url, carolUser, "POST", "/api/e2e/claim", {
        user: bobUser.id,
        room,
      });
      assert.equal(refused.status, 404, "a former member may not claim through the room");
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });
});

Deno.test("encrypted room: a deleted message loses its payload, and a commit cannot be deleted", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room } = await aliceAndBobInSecretChat(url);
    try {
      const said = await alice.say("regret");
      const commitSeq = alice.socket.messages(room.id).find((m) => m.e2e?.kind === "commit")!.seq;
      alice.socket.send({ type: "delete", room: room.id, clientId: "delete-said", target: said });
      await alice.socket.next("ack", (f) => f.clientId === "delete-said");
      alice.socket.send({
        type: "delete",
        room: room.id,
        clientId: "delete-key",
        target: commitSeq,
      });
      const refused = await alice.socket.next("error", (f) => f.clientId === "delete-key");
      assert.equal(refused.code, "not_allowed");
      const history = await openSocket(url, alice.user);
      history.send({ type: "history", room: room.id, ref: "h" });
      const page = await history.next("history", (f) => f.ref === "h");
      await history.close();
      const deleted = page.messages.find((m) => m.seq === said)!;
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.e2e, undefined, "the ciphertext is erased with the message");
      assert.ok(page.messages.find((m) => m.seq === commitSeq)!.e2e, "the commit stays");
      alice.socket.send({
        type: "react",
        room: room.id,
        clientId: "react-clear",
        target: commitSeq + 1,
        emoji: "👍",
        on: true,
      });
      const reaction = await alice.socket.next("error", (f) => f.clientId === "react-clear");
      assert.equal(reaction.code, "encryption_mismatch");
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("racing commits from two devices settle by the room's seq order on every device", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room, aliceUser, bobUser } = await aliceAndBobInSecretChat(url);
    const alicePad = await E2eDevice.open(url, aliceUser, "alice-tablet");
    const bobPhone = await E2eDevice.open(url, bobUser, "bob-phone-2");
    try {
      await alicePad.enter(room.id);
      await bobPhone.enter(room.id);
      // Each adds their own new device for the same epoch, and both send at once.
      const [fromAlice, fromBob] = await Promise.all([
        alice.claim(aliceUser.id).then((claimed) => alice.prepareAdd(claimed)),
        bob.claim(bobUser.id).then((claimed) => bob.prepareAdd(claimed)),
      ]);
      const [aliceSeq, bobSeq] = await Promise.all([
        alice.sendCommit(fromAlice),
        bob.sendCommit(fromBob),
      ]);
      const last = Math.max(aliceSeq, bobSeq);
      await alice.readUntil(last);
      await bob.readUntil(last);
      const winner = aliceSeq < bobSeq ? aliceSeq : bobSeq;
      const loser = aliceSeq < bobSeq ? bobSeq : aliceSeq;
      for (const device of [alice, bob]) {
        assert.equal(device.read.get(winner)?.kind, "commit");
        assert.deepEqual(device.read.get(loser), { kind: "skipped", reason: "stale_epoch" });
      }
      assert.equal(alice.group!.epoch, bob.group!.epoch);
      assert.deepEqual(alice.group!.members, bob.group!.members);
      const check = await alice.say("same group");
      await bob.readUntil(check);
      assert.equal(bob.textAt(check), "same group");
      // The device the winning commit added reads on; the loser's must be added again.
      const added = aliceSeq < bobSeq ? alicePad : bobPhone;
      await added.readUntil(check);
      assert.equal(added.textAt(check), "same group");
    } finally {
      await Promise.all([alice.close(), bob.close(), alicePad.close(), bobPhone.close()]);
    }
  });
});

Deno.test("encrypted room: an edit, a reaction, a reply and a file travel encrypted, and KV holds none of them", async () => {
  await withTestServer(async ({ url, kv }) => {
    const { alice, bob, room, aliceUser, bobUser } = await aliceAndBobInSecretChat(url);
    const secretName = "董事会纪要-tangerine.png";
    const fileBytes = new TextEncoder().encode(
      "PLAINFILE-marmalade-7731 文件内容不该出现在服务器上",
    );
    try {
      const original = await alice.say("lunch at noon?");
      const edit = await alice.sendContent({
        v: 1,
        text: "lunch at one, not noon",
        edit: original,
      });
      const reaction = await bob.sendContent({
        v: 1,
        reaction: { seq: original, emoji: "🍜", on: true },
      });
      const reply = await bob.sendContent({
        v: 1,
        text: "one works for me",
        reply: {
          seq: original,
          from: aliceUser.id,
          author: aliceUser.name,
          quote: replyQuote("lunch at one, not noon"),
        },
      });
      const sealed = await sealFile(fileBytes);
      const uploaded = await uploadFile(
        url,
        aliceUser,
        sealed.ciphertext,
        E2E_UPLOAD_NAME,
        E2E_UPLOAD_TYPE,
      );
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
      const fileId = uploaded.body.id;
      const withFile = await alice.sendContent({
        v: 1,
        text: "",
        files: [{
          id: fileId,
          key: sealed.key,
          iv: sealed.iv,
          name: secretName,
          type: "image/png",
          size: fileBytes.length,
          width: 2,
          height: 1,
        }],
      }, [fileId]);
      await bob.readUntil(withFile);
      await alice.readUntil(withFile);
      assert.deepEqual(bob.contentAt(edit), {
        v: 1,
        text: "lunch at one, not noon",
        edit: original,
      });
      assert.deepEqual(alice.contentAt(reaction), {
        v: 1,
        reaction: { seq: original, emoji: "🍜", on: true },
      });
      assert.equal(alice.textAt(reply), "one works for me");
      const replied = alice.contentAt(reply);
      assert.equal(replied && "reply" in replied && replied.reply?.quote, "lunch at one, not noon");
      // The server stores the edit and the reaction as action entries it cannot read.
      const log = bob.socket.messages(room.id);
      const editEntry = log.find((m) => m.seq === edit)!;
      assert.equal(editEntry.kind, "edit");
      assert.equal(editEntry.target, original);
      assert.equal(editEntry.text, "");
      assert.ok(editEntry.e2e);
      const reactionEntry = log.find((m) => m.seq === reaction)!;
      assert.equal(reactionEntry.kind, "reaction");
      assert.equal(reactionEntry.emoji, undefined);
      const history = await openSocket(url, bobUser);
      history.send({ type: "history", room: room.id, ref: "h" });
      const page = await history.next("history", (f) => f.ref === "h");
      await history.close();
      const target = page.messages.find((m) => m.seq === original)!;
      assert.equal(target.text, "");
      assert.equal(target.editedAt, undefined, "the server cannot apply an encrypted edit");
      assert.equal(target.reactions, undefined, "nor an encrypted reaction");
      assert.equal(target.versions, 1, "it counts the edit, against MAX_EDITS");
      assert.equal(target.reactionEntries, 1, "and the reaction's entry");
      assert.equal(page.messages.find((m) => m.seq === reply)!.replyTo, undefined);
      // Bob downloads the ciphertext the server stored under the message and decrypts it.
      const stored = page.messages.find((m) => m.seq === withFile)!;
      assert.deepEqual(stored.attachments?.map((a) => [a.id, a.name, a.type]), [
        [fileId, E2E_UPLOAD_NAME, E2E_UPLOAD_TYPE],
      ]);
      const file = bob.contentAt(withFile);
      assert.ok(file && "files" in file && file.files?.[0]);
      const download = await fetch(`${url}/api/files/${room.id}/${withFile}/${fileId}`, {
        headers: { cookie: bobUser.cookie },
      });
      assert.equal(download.status, 200);
      const ciphertext = new Uint8Array(await download.arrayBuffer());
      assert.deepEqual(await openFile(ciphertext, file.files[0]), fileBytes);
      assert.equal(file.files[0].name, secretName);
      const dump: string[] = [];
      for await (const entry of kv.list({ prefix: [] })) {
        dump.push(JSON.stringify(entry.key), JSON.stringify(entry.value, bytesAsText));
      }
      const all = dump.join("\n");
      for (
        const secret of [
          "lunch at noon",
          "lunch at one",
          "🍜",
          "one works for me",
          "tangerine",
          "董事会纪要",
          "PLAINFILE",
          "marmalade",
          "文件内容",
        ]
      ) {
        assert.ok(!all.includes(secret), `KV holds "${secret}"`);
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("the server refuses plain edits and reactions in an encrypted room, encrypted ones in a plain room, and others' encrypted edits", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room, aliceUser, bobUser } = await aliceAndBobInSecretChat(url);
    const plain = await api<{ room: DirectRoom }>(url, aliceUser, "POST", "/api/dms", {
      username: bobUser.name,
    });
    const plainRoom = plain.body.room.id;
    try {
      const said = await alice.say("mine to edit");
      const e2e = { kind: "message" as const, data: "AAAA" };
      const refusal = async (frame: Record<string, unknown>) => {
        const clientId = `refused-${crypto.randomUUID().slice(0, 8)}`;
        alice.socket.send({ ...frame, clientId } as never);
        return (await alice.socket.next("error", (f) => f.clientId === clientId)).code;
      };
      const edit = { type: "edit", room: room.id, target: said };
      assert.equal(await refusal({ ...edit, text: "in clear" }), "encryption_mismatch");
      assert.equal(await refusal({ ...edit, text: "in clear", e2e }), "bad_frame");
      const react = { type: "react", room: room.id, target: said };
      assert.equal(await refusal({ ...react, emoji: "👍", on: true }), "encryption_mismatch");
      assert.equal(await refusal({ ...react, emoji: "👍", on: true, e2e }), "bad_frame");
      await alice.socket.subscribe(plainRoom);
      const clear = { type: "send", room: plainRoom, clientId: "plain-message", text: "plain" };
      alice.socket.send(clear as never);
      const plainSeq = (await alice.socket.next("ack", (f) => f.clientId === "plain-message")).seq;
      const inPlain = { room: plainRoom, target: plainSeq, e2e };
      assert.equal(await refusal({ type: "edit", ...inPlain, text: "" }), "encryption_mismatch");
      assert.equal(await refusal({ type: "react", ...inPlain }), "encryption_mismatch");
      const thumb = { id: "a".repeat(64), thumb: "b".repeat(64) };
      assert.equal(
        await refusal({ type: "send", room: room.id, text: "", e2e, attachments: [thumb] }),
        "bad_frame",
        "a thumbnail would show the picture in clear",
      );
      // Only the sender's edit is stored (and only the sender's is applied by the devices).
      const clientId = "bobs-edit-of-alice";
      bob.socket.send({ type: "edit", room: room.id, clientId, target: said, text: "", e2e });
      const refused = await bob.socket.next("error", (f) => f.clientId === clientId);
      assert.equal(refused.code, "not_allowed");
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("encrypted room: the server counts encrypted edits against MAX_EDITS and refuses a reaction too large to be one", async () => {
  await withTestServer(async ({ url }) => {
    const { alice, bob, room, aliceUser } = await aliceAndBobInSecretChat(url);
    const reader = await openSocket(url, aliceUser);
    try {
      const said = await alice.say("edited many times");
      // Real MLS payloads, each a new edit of the message (the server cannot read them).
      for (let n = 0; n < MAX_EDITS; n++) {
        const { data } = await alice.group!.encryptContent({ v: 1, text: `v${n}`, edit: said });
        const e2e = { kind: "message" as const, data };
        const clientId = `e2e-edit-${n}`;
        alice.socket.send({ type: "edit", room: room.id, clientId, target: said, text: "", e2e });
        const ack = await alice.socket.next("ack", (f) => f.clientId === clientId);
        assert.ok(ack.seq > said);
      }
      const { data } = await alice.group!.encryptContent({ v: 1, text: "over", edit: said });
      const e2e = { kind: "message" as const, data };
      alice.socket.send({
        type: "edit",
        room: room.id,
        clientId: "e2e-edit-over",
        target: said,
        text: "",
        e2e,
      });
      const over = await alice.socket.next("error", (f) => f.clientId === "e2e-edit-over");
      assert.equal(over.code, "too_many_edits");
      // A fresh socket's history holds the target as stored now.
      await reader.subscribe(room.id, 0);
      await reader.waitForMessages(room.id, said);
      const target = reader.messages(room.id).find((m) => m.seq === said);
      assert.equal(target?.versions, MAX_EDITS, "the target counts the encrypted edits");
      assert.equal(target?.text, "", "and keeps no text of them");

      const { data: reacted } = await bob.group!.encryptContent({
        v: 1,
        reaction: { seq: said, emoji: "👍", on: true },
      });
      bob.socket.send({
        type: "react",
        room: room.id,
        clientId: "e2e-react",
        target: said,
        e2e: { kind: "message" as const, data: reacted },
      });
      await bob.socket.next("ack", (f) => f.clientId === "e2e-react");
      const large = { kind: "message" as const, data: "A".repeat(MAX_E2E_REACTION_PAYLOAD + 4) };
      bob.socket.send({
        type: "react",
        room: room.id,
        clientId: "e2e-react-large",
        target: said,
        e2e: large,
      });
      const refused = await bob.socket.next("error", (f) => f.clientId === "e2e-react-large");
      assert.equal(refused.code, "bad_frame");
    } finally {
      await Promise.all([alice.close(), bob.close(), reader.close()]);
    }
  });
});
