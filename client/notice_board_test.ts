import assert from "node:assert/strict";
import { MAX_NOTICES, NoticeBoard, noticeOf } from "./notice_board.ts";

Deno.test("noticeOf() words a mute, a removal by someone and a deletion; a plain removal is silent", () => {
  const muted = { kind: "muted", roomId: "r", room: "plaza", by: "olga", muted: true } as const;
  assert.deepEqual(noticeOf(muted), { key: "notice.muted", params: { room: "plaza", by: "olga" } });
  assert.deepEqual(noticeOf({ ...muted, muted: false })?.valueOf(), {
    key: "notice.unmuted",
    params: { room: "plaza", by: "olga" },
  });
  const reason = { why: "banned", room: "plaza", by: "olga" } as const;
  assert.deepEqual(noticeOf({ kind: "room_removed", roomId: "r", reason }), {
    key: "notice.banned",
    params: { room: "plaza", by: "olga" },
  });
  assert.equal(noticeOf({ kind: "room_removed", roomId: "r" }), null, "the user left it");
  assert.equal(noticeOf({ kind: "friends_changed" }), null);
});

Deno.test("NoticeBoard keeps the newest notices until dismissed", () => {
  const board = new NoticeBoard();
  const reason = { why: "kicked", room: "plaza", by: "olga" } as const;
  for (let i = 0; i < MAX_NOTICES + 1; i++) {
    assert.equal(board.take({ kind: "room_removed", roomId: `r${i}`, reason }), true);
  }
  assert.equal(board.notices.value.length, MAX_NOTICES);
  const [first] = board.notices.value;
  board.dismiss(first!.id);
  assert.equal(board.notices.value.length, MAX_NOTICES - 1);
  assert.equal(board.take({ kind: "friends_changed" }), false);
});
