import assert from "node:assert/strict";
import { translator } from "./catalogues.ts";
import { createTranslator, showText } from "./translate.ts";

const en = translator("en");
const zh = translator("zh-CN");

Deno.test("t() fills placeholders in both locales", () => {
  assert.equal(en("composer.placeholder", { room: "#lobby" }), "Message #lobby");
  assert.equal(zh("composer.placeholder", { room: "#lobby" }), "发消息到 #lobby");
  assert.equal(
    en("settings.linkUsage", { uses: 2, max: 10, date: "today" }),
    "2/10 · until today",
  );
});

Deno.test("t() picks the English plural form by count", () => {
  assert.equal(en("auth.passwordRule", { count: 1 }), "At least 1 character");
  assert.equal(en("auth.passwordRule", { count: 8 }), "At least 8 characters");
  assert.equal(
    en("chat.unsentConfirm", { count: 1, room: "a" }),
    "You have 1 unsent message in #a. Leave and discard it?",
  );
  assert.equal(
    en("chat.unsentConfirm", { count: 3, room: "a" }),
    "You have 3 unsent messages in #a. Leave and discard them?",
  );
});

Deno.test("t() uses the one Chinese form for every count", () => {
  assert.equal(zh("auth.passwordRule", { count: 1 }), "至少 1 个字符");
  assert.equal(zh("auth.passwordRule", { count: 8 }), "至少 8 个字符");
});

Deno.test("t() formats numbers for the locale", () => {
  assert.equal(en("conversations.unread", { count: 1234 }), "1,234 unread");
});

Deno.test("t() leaves a placeholder without a value as it is", () => {
  assert.equal(en("composer.placeholder"), "Message {room}");
});

Deno.test("t() rejects unknown keys and a plural without count at compile time", () => {
  const t = createTranslator("en", { ...({} as Parameters<typeof createTranslator>[1]) });
  // Type-only: these lines are checked by `deno check`, never run.
  const never = () => {
    // @ts-expect-error: not a key of the catalogue.
    t("composer.sned");
    // @ts-expect-error: a plural needs its count.
    t("auth.passwordRule");
  };
  assert.equal(typeof never, "function");
});

Deno.test("showText() shows strings as they are and translates keys", () => {
  assert.equal(showText(zh, "banned from room"), "banned from room");
  assert.equal(showText(zh, { key: "composer.empty" }), "请先输入消息。");
  assert.equal(
    showText(en, { key: "error.requestFailed", params: { status: 502 } }),
    "Request failed (502).",
  );
});
