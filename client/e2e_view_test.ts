import assert from "node:assert/strict";
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { E2eRoomView, E2eShown } from "./e2e_view.ts";
import { shownMessages } from "./e2e_shown.ts";

const notices = {
  couldNotDecrypt: "could not decrypt",
  beforeJoin: "before",
  badHandshake: "rejected",
  badWelcome: "welcome failed",
  waiting: "waiting",
};

function entry(seq: number, kind: "message" | "commit", deleted = false): ChatMessage {
  return {
    room: "r",
    seq,
    id: `m${seq}`,
    at: seq,
    from: "u",
    author: "alice",
    text: "",
    e2e: { kind, data: `data${seq}` },
    ...(deleted ? { deleted: true } : {}),
  } as ChatMessage;
}

Deno.test("shownMessages() shows read texts and a notice for each entry it could not read, and hides commits", () => {
  const shown = new Map<number, E2eShown>([
    [1, { kind: "before_join" }],
    [2, { kind: "commit" }],
    [3, { kind: "text", text: "你好" }],
    [4, { kind: "undecryptable" }],
    [5, { kind: "text", text: "later" }],
  ]);
  const view: E2eRoomView = { status: "ready", shown };
  const log = [1, 2, 3, 4, 5, 6].map((seq) => entry(seq, seq === 2 ? "commit" : "message"));
  const texts = shownMessages(log, view, notices).map((message) => [message.seq, message.text]);
  assert.deepEqual(texts, [
    [1, "before"],
    [3, "你好"],
    [4, "could not decrypt"],
    [5, "later"],
    [6, "waiting"],
  ]);
});

Deno.test("shownMessages() shows a commit this device rejected, or whose Welcome it could not process, as a notice under its sender, and hides the others", () => {
  const shown = new Map<number, E2eShown>([
    [1, { kind: "commit" }],
    [2, { kind: "bad_handshake" }],
    [3, { kind: "text", text: "still reads" }],
    [4, { kind: "bad_welcome" }],
  ]);
  const log = [entry(1, "commit"), entry(2, "commit"), entry(3, "message"), entry(4, "commit")];
  const out = shownMessages(log, { status: "ready", shown }, notices);
  assert.deepEqual(out.map((message) => [message.seq, message.author, message.text]), [
    [2, "alice", "rejected"],
    [3, "alice", "still reads"],
    [4, "alice", "welcome failed"],
  ]);
});

Deno.test("shownMessages() leaves plain and deleted entries as they are", () => {
  const plain = { ...entry(1, "message"), e2e: undefined, text: "system" } as ChatMessage;
  const deleted = entry(2, "message", true);
  const out = shownMessages([plain, deleted], { status: "ready", shown: new Map() }, notices);
  assert.deepEqual(out, [plain, deleted]);
});

Deno.test("shownMessages() shows a read message's reply, edit, reactions and only the files the server stored under it", () => {
  const key = "A".repeat(43) + "=";
  const file = (id: string) => ({
    id,
    key,
    iv: "B".repeat(16),
    name: "照片.png",
    type: "image/png",
    size: 10,
    width: 4,
    height: 2,
  });
  const stored = {
    ...entry(3, "message"),
    attachments: [{ id: "f".repeat(64), name: "encrypted", size: 38, type: "x" }],
  };
  const reactions = [{ emoji: "👍", users: [{ id: "u2", name: "bob" }] }];
  const shown = new Map<number, E2eShown>([[3, {
    kind: "text",
    text: "edited text",
    from: "u",
    reply: { seq: 1, from: "u2", author: "bob", quote: "lunch?" },
    files: [file("f".repeat(64)), file("e".repeat(64))],
    editedAt: 99,
    reactions,
  }]]);
  const [read] = shownMessages([stored], { status: "ready", shown }, notices);
  assert.equal(read!.text, "edited text");
  assert.equal(read!.editedAt, 99);
  assert.deepEqual(read!.reactions, reactions);
  assert.deepEqual(read!.replyTo, { seq: 1, from: "u2", author: "bob", excerpt: "lunch?" });
  assert.deepEqual(read!.attachments, [
    { id: "f".repeat(64), name: "照片.png", size: 10, type: "image/png", width: 4, height: 2 },
  ]);
});
