import assert from "node:assert/strict";
import { translator } from "../lib/common/i18n/catalogues.ts";
import { errorText } from "./error_text.ts";
import { ApiRequestError, request } from "./rooms_api.ts";

/**
 * Runs `fn` with the URL of a real server that holds every request without an answer until the
 * test is over, then answers them (204) and stops.
 */
async function withHangingServer(fn: (url: string) => Promise<void>): Promise<void> {
  const held: (() => void)[] = [];
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    () =>
      new Promise<Response>((resolve) =>
        held.push(() => resolve(new Response(null, { status: 204 })))
      ),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    for (const release of held) release();
    abort.abort();
    await server.finished;
  }
}

/** A body that sends its first bytes and then nothing more, until the test is over. */
function stalledBody(): { body: ReadableStream<Uint8Array>; end: () => void } {
  let end = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"room":'));
      end = () => controller.close();
    },
  });
  return { body, end };
}

Deno.test("request() to a server that never answers fails with error.timeout, status 0, shown in the reader's language", async () => {
  await withHangingServer(async (url) => {
    const failure = await request("POST", `${url}/api/rooms/r1/join`, undefined, 50)
      .catch((error: unknown) => error);
    assert.ok(failure instanceof ApiRequestError);
    assert.deepEqual(failure.text, { key: "error.timeout" });
    assert.equal(failure.status, 0);
    // What the join or create form shows (errorText, as every caught API failure).
    assert.equal(errorText(translator("zh-CN"), failure), "服务器响应超时，请重试。");
    assert.equal(
      errorText(translator("en"), failure),
      "The server took too long to answer; try again.",
    );
  });
});

Deno.test("request() whose answer stops halfway through the body fails with error.timeout, not an empty answer", async () => {
  const stalled = stalledBody();
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    () => new Response(stalled.body, { headers: { "content-type": "application/json" } }),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/api/rooms`;
    // Long enough for the headers to arrive on loopback: the body is what it waits for. (Were
    // they late, the fetch itself would time out, with the same error.)
    const failure = await request("POST", url, { name: "x" }, 300)
      .catch((error: unknown) => error);
    assert.ok(failure instanceof ApiRequestError);
    assert.deepEqual(failure.text, { key: "error.timeout" });
  } finally {
    stalled.end();
    abort.abort();
    await server.finished;
  }
});

Deno.test("request() to a closed port fails with error.network, not error.timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const failure = await request("GET", `http://127.0.0.1:${port}/api/rooms/discover`)
    .catch((error: unknown) => error);
  assert.ok(failure instanceof ApiRequestError);
  assert.deepEqual(failure.text, { key: "error.network" });
});

Deno.test("request() sends a Blob as it is, with its type, and reads the JSON answer", async () => {
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    async (incoming) =>
      Response.json({
        type: incoming.headers.get("content-type"),
        bytes: (await incoming.bytes()).length,
      }),
  );
  try {
    const image = new Blob([new Uint8Array(300)], { type: "image/webp" });
    const url = `http://127.0.0.1:${server.addr.port}/api/me/avatar`;
    assert.deepEqual(await request("POST", url, image), { type: "image/webp", bytes: 300 });
  } finally {
    abort.abort();
    await server.finished;
  }
});
