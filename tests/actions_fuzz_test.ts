/**
 * Fuzzing of the v2 action frames (edit, delete, react, and sends with a reply target) from
 * members who do not own the messages and from a non-member: random targets, emoji and
 * texts, valid or not. Every frame is answered, and nothing the others may not change does.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ClientFrame, ServerFrame } from "../lib/common/protocol.ts";
import { createRoom, openSocket, registerUser } from "./helpers/chat_client.ts";
import { withTestServer } from "./helpers/test_server.ts";

const emoji = fc.oneof(
  fc.constantFrom("👍", "🎉", "👨‍👩‍👧", "🇨🇳", "👍🏽"),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "ab", "👍👍", "<script>", "\u200d", "1"),
);
const target = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-1, 1.5, 2 ** 60));
const actionFrame = fc.oneof(
  fc.record({ type: fc.constant("edit"), target, text: fc.string({ maxLength: 30 }) }),
  fc.record({ type: fc.constant("delete"), target }),
  fc.record({ type: fc.constant("react"), target, emoji, on: fc.boolean() }),
  fc.record({ type: fc.constant("send"), replyTo: target, text: fc.constant("re") }),
);

Deno.test("random action frames from non-owners and a non-member are all answered and change no one else's message", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const mallory = await registerUser(server.url, "mallory");
    const room = await createRoom(server.url, owner, [bob]);
    const sockets = {
      owner: await openSocket(server.url, owner),
      bob: await openSocket(server.url, bob),
      mallory: await openSocket(server.url, mallory),
    };
    try {
      for (let i = 0; i < 5; i++) {
        sockets.owner.send({
          type: "send",
          room: room.id,
          clientId: `own-${i}-0000`,
          text: `t${i}`,
        });
        await sockets.owner.next("ack", (frame) => frame.clientId === `own-${i}-0000`);
      }
      const historyOf = async () => {
        const ref = crypto.randomUUID().slice(0, 8);
        sockets.owner.send({ type: "history", room: room.id, ref });
        return (await sockets.owner.next("history", (frame) => frame.ref === ref)).messages;
      };
      const ownTexts = async () =>
        (await historyOf()).filter((m) => m.from === owner.id).map((
          m,
        ) => [m.seq, m.text, !!m.deleted]);
      const before = await ownTexts();
      let n = 0;
      // Bob's own replies land in the targeted seq range too; he may edit and delete those.
      const bobsOwn = new Set<number>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ who: fc.constantFrom("bob", "mallory"), frame: actionFrame }), {
            minLength: 1,
            maxLength: 15,
          }),
          async (steps) => {
            for (const { who, frame } of steps) {
              const clientId = `fz-${String(++n).padStart(6, "0")}`;
              const socket = sockets[who as "bob" | "mallory"];
              socket.send({ ...frame, room: room.id, clientId } as unknown as ClientFrame);
              const match = (f: { clientId?: string }) => f.clientId === clientId;
              const answer: ServerFrame = await Promise.race([
                socket.next("ack", match),
                socket.next("error", match),
              ]);
              if (who === "mallory") {
                assert.equal(answer.type, "error", JSON.stringify(frame));
              }
              if (answer.type === "ack" && frame.type === "send") bobsOwn.add(answer.seq);
              if (answer.type === "ack" && !("target" in frame && bobsOwn.has(frame.target))) {
                assert.notEqual(frame.type, "delete");
                assert.notEqual(frame.type, "edit");
              }
            }
          },
        ),
        { numRuns: 8 },
      );
      assert.deepEqual(await ownTexts(), before);
    } finally {
      for (const socket of Object.values(sockets)) await socket.close();
    }
  });
});
