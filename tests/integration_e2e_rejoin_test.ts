/**
 * Integration tests of a device asking to be added to an encrypted room's group
 * (`POST /api/e2e/rooms/:room/add_request`, relayed live as an `e2e_add_request` notice), and of
 * a device that missed a commit finding out, asking, and reading again once a member re-adds
 * it: real server, real KV, real WebSockets, the real MLS core (`lib/common/e2e/`).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerFrame } from "../lib/common/protocol.ts";
import type { UserEvent } from "../lib/common/api_types.ts";
import { deviceIdentity } from "../lib/common/e2e/mls_device.ts";
import { api, befriend, registerUser } from "./helpers/chat_client.ts";
import { createEncryptedGroup } from "./helpers/encrypted_group.ts";
import { E2eDevice } from "./helpers/e2e_device.ts";
import { withTestServer } from "./helpers/test_server.ts";

type AddRequest = Extract<UserEvent, { kind: "e2e_add_request" }>;

/** The `e2e_add_request` notice that reached `device`'s socket for `deviceId`. */
async function requestSeenBy(device: E2eDevice, deviceId: string): Promise<AddRequest> {
  const frame = await device.socket.next(
    "user_event",
    (frame: Extract<ServerFrame, { type: "user_event" }>) =>
      frame.event.kind === "e2e_add_request" && frame.event.deviceId === deviceId,
  );
  return frame.event as AddRequest;
}

Deno.test("add request: a device's request reaches the room's members live; others' devices and outsiders are refused", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const eve = await registerUser(url, "eve");
    const room = await createEncryptedGroup(url, aliceUser, [bobUser], "plans", {
      befriendFirst: true,
    });
    const alice = await E2eDevice.open(url, aliceUser, "alice-phone");
    const bob = await E2eDevice.open(url, bobUser, "bob-laptop");
    try {
      const asked = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-laptop",
      });
      assert.equal(asked.status, 200, JSON.stringify(asked.body));
      assert.deepEqual(await requestSeenBy(alice, "bob-laptop"), {
        kind: "e2e_add_request",
        roomId: room,
        userId: bobUser.id,
        deviceId: "bob-laptop",
      });
      const leaf = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
      const rejoin = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-laptop",
        leaf,
      });
      assert.equal(rejoin.status, 200);
      await alice.socket.next(
        "user_event",
        (frame) => frame.event.kind === "e2e_add_request" && frame.event.leaf === leaf,
      );
      // A device not in the group as far as it read the log names the group's epoch there.
      const stuck = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-laptop",
        epoch: 3,
      });
      assert.equal(stuck.status, 200);
      await alice.socket.next(
        "user_event",
        (frame) => frame.event.kind === "e2e_add_request" && frame.event.epoch === 3,
      );

      const notHis = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "alice-phone",
      });
      assert.equal(notHis.status, 400, "a device of another user");
      const noKeys = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-tablet",
      });
      assert.equal(noKeys.status, 400, "a device with no keys cannot be added");
      const outsider = await api(url, eve, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "eve-phone1",
      });
      assert.equal(outsider.status, 404);
      const malformed = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-laptop",
        leaf: "not a key",
      });
      assert.equal(malformed.status, 400);
      for (const epoch of [-1, 1.5, "3"]) {
        const badEpoch = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
          device: "bob-laptop",
          epoch,
        });
        assert.equal(badEpoch.status, 400, `epoch ${JSON.stringify(epoch)}`);
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

Deno.test("rejoin: a device that missed a commit finds itself behind, asks, is added again by a member and reads new messages", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const carolUser = await registerUser(url, "carol");
    const room = await createEncryptedGroup(url, aliceUser, [bobUser], "plans", {
      befriendFirst: true,
    });
    const devices = await Promise.all([
      E2eDevice.open(url, aliceUser, "alice-phone"),
      E2eDevice.open(url, bobUser, "bob-laptop", 3),
    ]);
    const [alice, bob] = devices;
    let carol: E2eDevice | undefined;
    try {
      for (const device of devices) await device.enter(room);
      await alice.startGroup();
      const started = await alice.follow();
      assert.ok(started);
      await bob.readUntil(started);
      assert.ok(bob.group, "Bob's device is in the group");

      // Bob's device goes offline; meanwhile Alice's device adds Carol (a commit) and the group
      // moves on. Bob's device misses that commit (it could not apply it).
      await befriend(url, aliceUser, carolUser);
      const invited = await api(url, aliceUser, "POST", `/api/rooms/${room}/invites`, {
        username: carolUser.name,
      });
      assert.ok(invited.status < 300, `invite: ${invited.status}`);
      carol = await E2eDevice.open(url, carolUser, "carol-pc-1");
      await carol.enter(room);
      const added = await alice.follow();
      assert.ok(added, "a commit adding Carol");
      const later = await alice.say("after the commit Bob missed");
      const bobDevice = deviceIdentity(bobUser.id, "bob-laptop");
      const staleLeaf = bob.group!.leafKeyOf(bobDevice);
      await bob.miss(added);
      await bob.readUntil(later);
      assert.equal(bob.read.get(later)?.kind, "behind");
      assert.equal(bob.group, undefined, "its state is dropped");

      // It asks to be added again, naming its stale leaf; Alice's device hears it, finds that
      // leaf in the group and commits the re-add.
      const asked = await api(url, bobUser, "POST", `/api/e2e/rooms/${room}/add_request`, {
        device: "bob-laptop",
        leaf: staleLeaf,
      });
      assert.equal(asked.status, 200);
      const request = await requestSeenBy(alice, "bob-laptop");
      assert.equal(alice.group!.leafKeyOf(bobDevice), request.leaf);
      const readded = await alice.follow(new Set([bobDevice]));
      assert.ok(readded, "a commit adding Bob's device again");
      assert.deepEqual(alice.group!.members.filter((m) => m.startsWith(bobUser.id)), [bobDevice]);
      assert.notEqual(
        alice.group!.leafKeyOf(bobDevice),
        staleLeaf,
        "a request repeated now is met",
      );
      await bob.readUntil(readded);
      assert.deepEqual(bob.read.get(readded), { kind: "joined" });
      const hello = await alice.say("welcome back, Bob's laptop");
      await bob.readUntil(hello);
      assert.equal(bob.textAt(hello), "welcome back, Bob's laptop");
      await carol.readUntil(hello);
      assert.equal(carol.textAt(hello), "welcome back, Bob's laptop");
      const reply = await bob.say("reading again");
      await alice.readUntil(reply);
      assert.equal(alice.textAt(reply), "reading again");
    } finally {
      await Promise.all([...devices, ...(carol ? [carol] : [])].map((device) => device.close()));
    }
  });
});
