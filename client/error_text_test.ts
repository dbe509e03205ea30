import assert from "node:assert/strict";
import { translator } from "../lib/common/i18n/catalogues.ts";
import { errorText } from "./error_text.ts";
import { LocalizedError } from "./localized_error.ts";
import { answer, ApiRequestError } from "./rooms_api.ts";

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

Deno.test("errorText() shows a server refusal by its code, in the reader's language", async () => {
  const response = Response.json(
    {
      error: "Room name must be 1–64 characters",
      code: "refusal.roomNameLength",
      params: { max: 64 },
    },
    { status: 400 },
  );
  const failure = await answer(response).catch((error: unknown) => error);
  assert.equal(errorText(zh, failure), "房间名称必须是 1–64 个字符");
  assert.equal(errorText(translator("en"), failure), "Room name must be 1–64 characters");
});

Deno.test("errorText() of a 429 adds when to try again", async () => {
  const response = Response.json(
    {
      error: "Too many rooms created; try again later",
      code: "refusal.tooManyRooms",
      retryAfterSeconds: 120,
    },
    { status: 429 },
  );
  const failure = await answer(response).catch((error: unknown) => error);
  assert.equal(errorText(zh, failure), "创建的房间太多了，请稍后再试（120 秒后可以重试）");
  assert.equal(
    errorText(translator("en"), failure),
    "Too many rooms created; try again later Try again in 120 s.",
  );
});
