import assert from "node:assert/strict";
import { CATALOGUES, translator } from "./i18n/catalogues.ts";
import { LOCALES } from "./i18n/locale.ts";
import { showText } from "./i18n/translate.ts";
import { roomEventText, systemMessageText } from "./room_event_text.ts";
import { EVERY_ROOM_EVENT } from "./testing/every_room_event.ts";

Deno.test("roomEventText() names the catalogue entry system.<type> with the event's values", () => {
  assert.deepEqual(roomEventText({ type: "kicked", user: "mia", by: "adam" }), {
    key: "system.kicked",
    params: { user: "mia", by: "adam" },
  });
  for (const event of EVERY_ROOM_EVENT) {
    const text = roomEventText(event);
    assert.ok(typeof text !== "string");
    for (const locale of LOCALES) {
      assert.ok(text.key in CATALOGUES[locale], `${locale} ${text.key}`);
    }
  }
});

Deno.test("roomEventText() reads in Chinese with every name and value filled in", () => {
  const t = translator("zh-CN");
  assert.deepEqual(EVERY_ROOM_EVENT.map((event) => showText(t, roomEventText(event))), [
    "bob 加入了房间",
    "bob 通过邀请链接加入了房间",
    "bob 离开了房间",
    "mia 被 adam 移出了房间",
    "mia 被 adam 封禁了",
    "adam 邀请 fred 加入了房间",
    "olga 将群主转让给了 mia",
    "adam 将房间重命名为“lounge”",
    "adam 将主题设为：tea, and 🍰",
    "olga 清除了主题",
    "adam 更换了房间图片",
    "olga 移除了房间图片",
  ]);
});

Deno.test("systemMessageText() shows the stored text when the event is absent or unknown", () => {
  assert.equal(systemMessageText({ text: "bob joined" }), "bob joined");
  assert.equal(
    systemMessageText({ text: "adam pinned a message", event: { type: "pinned", by: "adam" } }),
    "adam pinned a message",
  );
  assert.deepEqual(systemMessageText({ text: "bob left", event: { type: "left", user: "bob" } }), {
    key: "system.left",
    params: { user: "bob" },
  });
});
