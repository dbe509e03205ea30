import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Locale } from "../../common/i18n/locale.ts";
import type { AppEnv } from "../app_env.ts";
import { chooseLocale } from "./locale.ts";

function app(saved: Record<string, Locale>, userId?: string) {
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      if (userId) c.set("user", { id: userId, name: userId });
      await next();
    })
    .use(chooseLocale((id) => Promise.resolve(saved[id] ?? null)))
    .get("/", (c) => c.text(c.var.locale));
}

const get = async (hono: Hono<AppEnv>, acceptLanguage?: string) =>
  await (await hono.request("/", {
    headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
  })).text();

Deno.test("chooseLocale() follows Accept-Language when nobody is signed in", async () => {
  assert.equal(await get(app({}), "zh-CN,zh;q=0.9"), "zh-CN");
  assert.equal(await get(app({}), "en-US"), "en");
  assert.equal(await get(app({})), "en");
});

Deno.test("chooseLocale() prefers the signed-in user's saved language to the header", async () => {
  assert.equal(await get(app({ u1: "en" }, "u1"), "zh-CN"), "en");
  assert.equal(await get(app({ u1: "zh-CN" }, "u1"), "en"), "zh-CN");
});

Deno.test("chooseLocale() follows the header for a user who saved no language", async () => {
  assert.equal(await get(app({}, "u1"), "zh-TW"), "zh-CN");
});
