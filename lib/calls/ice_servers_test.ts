import assert from "node:assert/strict";
import { iceConfigFrom, iceServersFor } from "./ice_servers.ts";

Deno.test("iceConfigFrom() refuses TURN URLs without a long enough secret, and never echoes it", () => {
  assert.throws(
    () => iceConfigFrom({ TURN_URLS: "turn:turn.example:3478" }),
    /TURN_SECRET of at least 16/,
  );
  assert.throws(
    () => iceConfigFrom({ TURN_URLS: "turn:turn.example:3478", TURN_SECRET: "short-secret" }),
    (error: Error) => !error.message.includes("short-secret"),
  );
  assert.throws(() => iceConfigFrom({ STUN_URLS: "http://stun.example" }), /STUN_URLS/);
  assert.throws(() => iceConfigFrom({ TURN_TTL_SECONDS: "5" }), /TURN_TTL_SECONDS/);
});

Deno.test("iceServersFor() gives STUN alone without TURN, and no credential at all", async () => {
  const config = iceConfigFrom({ STUN_URLS: "stun:a.example:3478, stun:b.example:3478" });
  assert.deepEqual(await iceServersFor(config, "u1", 1_700_000_000_000), {
    iceServers: [{ urls: ["stun:a.example:3478", "stun:b.example:3478"] }],
  });
});
