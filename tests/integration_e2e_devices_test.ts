/**
 * The device list of the end-to-end key directory (`GET /api/e2e/users/:user/devices`), which a
 * browser checks a safety number against: each device with the signature key its KeyPackages
 * carry, for oneself, friends and fellow members only, and one key per device for good.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createDevice, generateDeviceKeyPackage } from "../lib/common/e2e/mls_device.ts";
import { bytesToBase64 } from "../lib/common/e2e/mls_bytes.ts";
import type { ListedDevice } from "../lib/devices/key_packages.ts";
import { api, befriend, createRoom, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { E2eDevice } from "./helpers/e2e_device.ts";
import { withTestServer } from "./helpers/test_server.ts";

async function devicesOf(
  baseUrl: string,
  viewer: TestUser,
  user: string,
  room?: string,
): Promise<{ status: number; devices?: ListedDevice[] }> {
  const query = room ? `?room=${room}` : "";
  const response = await api<{ devices: ListedDevice[] }>(
    baseUrl,
    viewer,
    "GET",
    `/api/e2e/users/${user}/devices${query}`,
  );
  return { status: response.status, devices: response.body?.devices };
}

Deno.test("device list: a friend and the user see each device with its signature key", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    await befriend(url, alice, bob);
    const laptop = await E2eDevice.open(url, bob, "bob-laptop", 1);
    const phone = await E2eDevice.open(url, bob, "bob-phone", 1);
    try {
      const expected = [laptop, phone].map((device) => ({
        deviceId: device.device.deviceId,
        signatureKey: bytesToBase64(device.device.signature.publicKey),
      }));
      const byId = (a: ListedDevice, b: ListedDevice) => a.deviceId < b.deviceId ? -1 : 1;
      const seen = await devicesOf(url, alice, bob.id);
      assert.equal(seen.status, 200);
      assert.deepEqual(seen.devices?.sort(byId), expected.sort(byId));
      const own = await devicesOf(url, bob, bob.id);
      assert.deepEqual(own.devices?.sort(byId), expected);
      // Claiming every KeyPackage away does not hide a device from the list.
      await api(url, alice, "POST", "/api/e2e/claim", { user: bob.id });
      assert.equal((await devicesOf(url, alice, bob.id)).devices?.length, 2);
      assert.deepEqual((await devicesOf(url, alice, alice.id)).devices, []);
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });
});

Deno.test("device list: a stranger is refused with the one 404; a fellow member of the room is not", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const eve = await registerUser(url, "eve");
    const carol = await registerUser(url, "carol");
    const room = await createRoom(url, alice, [carol], "book-club");
    const device = await E2eDevice.open(url, alice, "alice-phone", 1);
    try {
      assert.equal((await devicesOf(url, eve, alice.id)).status, 404);
      assert.equal((await devicesOf(url, eve, alice.id, room.id)).status, 404, "not her room");
      assert.equal((await devicesOf(url, carol, alice.id)).status, 404, "no room named");
      const member = await devicesOf(url, carol, alice.id, room.id);
      assert.equal(member.status, 200);
      assert.deepEqual(member.devices?.map((d) => d.deviceId), ["alice-phone"]);
      const malformed = await api(url, carol, "GET", "/api/e2e/users/no%20such!/devices");
      assert.equal(malformed.status, 400);
    } finally {
      await device.close();
    }
  });
});

Deno.test("device list: a device keeps its first signature key; an upload with another stores nothing", async () => {
  await withTestServer(async ({ url }) => {
    const bob = await registerUser(url, "bob");
    const device = await E2eDevice.open(url, bob, "bob-laptop", 1);
    try {
      const before = await devicesOf(url, bob, bob.id);
      // Another key pair under the same device id: a safety number would silently change.
      const impostor = await createDevice(bob.id, "bob-laptop");
      const swapped = await api(url, bob, "PUT", "/api/e2e/devices/bob-laptop/key_packages", {
        keyPackages: [(await generateDeviceKeyPackage(impostor)).encoded],
      });
      assert.equal(swapped.status, 400);
      const mixed = await api(url, bob, "PUT", "/api/e2e/devices/bob-phone1/key_packages", {
        keyPackages: [
          (await generateDeviceKeyPackage(await createDevice(bob.id, "bob-phone1"))).encoded,
          (await generateDeviceKeyPackage(await createDevice(bob.id, "bob-phone1"))).encoded,
        ],
      });
      assert.equal(mixed.status, 400, "one upload, two keys for one device");
      assert.deepEqual(await devicesOf(url, bob, bob.id), before);
      const count = await api<{ count: number }>(
        url,
        bob,
        "GET",
        "/api/e2e/devices/bob-laptop/key_packages",
      );
      assert.deepEqual(count.body, { count: 1 });
    } finally {
      await device.close();
    }
  });
});
