import assert from "node:assert/strict";
import { isSocketRequest } from "./ws.ts";

Deno.test("isSocketRequest() takes a GET of /ws with or without a query, and nothing else", () => {
  const get = (url: string) => isSocketRequest(new Request(url));
  assert.equal(get("http://chat.example/ws"), true);
  assert.equal(get("http://chat.example/ws?v=2"), true);
  assert.equal(get("https://chat.example:8443/ws?v=2&x=/ws"), true);
  assert.equal(get("http://chat.example/ws/"), false);
  assert.equal(get("http://chat.example/wss"), false);
  assert.equal(get("http://chat.example/api/ws"), false);
  assert.equal(get("http://chat.example/?next=/ws"), false);
  assert.equal(get("http://chat.example/"), false);
  assert.equal(isSocketRequest(new Request("http://chat.example/ws", { method: "POST" })), false);
});
