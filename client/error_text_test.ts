import assert from "node:assert/strict";
import { translator } from "../lib/common/i18n/catalogues.ts";
import { errorText } from "./error_text.ts";
import { LocalizedError } from "./localized_error.ts";
import { ApiRequestError } from "./rooms_api.ts";

const zh = translator("zh-CN");

Deno.test("errorText() translates a LocalizedError's key", () => {
  assert.equal(
    errorText(zh, new LocalizedError({ key: "avatar.cannotShrink" })),
    "无法把图片压缩到足够小",
  );
});

Deno.test("errorText() translates an ApiRequestError made in the browser", () => {
  assert.equal(
    errorText(zh, new ApiRequestError({ key: "error.network" }, 0)),
    "网络错误：请检查网络连接后重试。",
  );
});

Deno.test("errorText() shows a server's message and other errors as they are", () => {
  assert.equal(errorText(zh, new ApiRequestError("Room is full", 409)), "Room is full");
  assert.equal(errorText(zh, new Error("boom")), "boom");
  assert.equal(errorText(zh, "plain"), "plain");
});
