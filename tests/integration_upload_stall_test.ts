/**
 * Uploads whose connection stalls mid-part, against a real chat node.
 *
 * The node's side: a client that starts sending a part and then stops (a phone losing its
 * network, a slowloris) over a real socket, with a Content-Length or chunked; the node gives up on the body after the part
 * deadline and answers 408 (`Connection: close`), instead of holding the request (its handler,
 * its buffered bytes) forever; the upload then resumes as usual.
 *
 * The browser's side: the real `uploadFile()` (client/uploads/upload_file.ts) through a loopback
 * proxy that plays the network (it adds the session cookie and Origin a browser would send) and
 * swallows chosen requests, never answering them, as a stalled connection does. An upload given
 * up for its stalls is kept on the server, and a retry resumes it from the parts stored (or
 * starts anew once it has been deleted).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type FinishedUpload,
  UPLOAD_PART_BYTES,
  type UploadStatus,
} from "../lib/common/attachments.ts";
import { translator } from "../lib/common/i18n/catalogues.ts";
import { errorText } from "../client/error_text.ts";
import {
  deleteUpload,
  MAX_STALLS,
  uploadFile,
  UploadStalled,
} from "../client/uploads/upload_file.ts";
import { registerUser, type TestUser } from "./helpers/chat_client.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { readConfig } from "../lib/server/config.ts";
import { withTestServer } from "./helpers/test_server.ts";
import { putParts, startUpload, uploadApi } from "./helpers/upload.ts";
import { readResponse, sendStalled } from "./helpers/raw_http.ts";

for (const chunked of [false, true]) {
  const framing = chunked ? "chunked (no Content-Length)" : "with its Content-Length";
  Deno.test(`a part PUT ${framing} whose body stops halfway is answered 408 after the part deadline, and the upload resumes`, async () => {
    await withTestServer(async (server) => {
      const alice = await registerUser(server.url, "alice");
      const bytes = new Uint8Array(1000).map((_, i) => i % 251);
      const started = (await startUpload(server.url, alice, bytes, "data.bin", "")).body;
      const conn = await sendStalled(server.url, {
        method: "PUT",
        path: `/api/uploads/${started.id}/parts/0`,
        user: alice,
        contentType: "application/octet-stream",
        body: bytes,
        sent: 500,
        chunked,
      });
      // Then nothing more: the node must end the request by itself.
      const answer = await readResponse(conn, 10_000);
      conn.close();
      assert.ok(answer !== null, "the node still holds the stalled request");
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.match(answer, /\r\nconnection: close\r\n/i);
      assert.match(answer, /"code":"refusal\.uploadPartTimeout"/);

      const path = `/api/uploads/${started.id}`;
      const status = await uploadApi<UploadStatus>(server.url, alice, "GET", path);
      assert.deepEqual(status.body.stored, []);
      await putParts(server.url, alice, started, bytes);
      const done = await uploadApi<FinishedUpload>(server.url, alice, "POST", `${path}/finish`);
      assert.equal(done.status, 200);
      assert.equal(done.body.size, bytes.length);
    }, { config: { limits: { ...readConfig({}).limits, uploadPartMs: 1000 } } });
  });
}

/** A request the proxy saw: `PUT 1` for part 1, `GET`, `POST finish`, `DELETE`, `POST start`. */
type Seen = string;

/**
 * Runs `fn` with the URL of a proxy to `node` that signs every request in as `user` (cookie
 * and Origin, as the browser does) and lets `answer` decide each one: `"pass"` forwards it,
 * `"hold"` never answers (until the test is over), a number answers with that status.
 * `seen` lists the requests in order; `waitFor` resolves once a given one has been answered
 * (held ones: once they have come).
 */
async function withProxy(
  node: string,
  user: TestUser,
  answer: (seen: Seen, count: number) => "pass" | "hold" | number,
  fn: (
    url: string,
    seen: Seen[],
    waitFor: (request: Seen) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const held: (() => void)[] = [];
  const waiters: { request: Seen; resolve: () => void }[] = [];
  const done: Seen[] = [];
  const notify = (request: Seen) => {
    done.push(request);
    for (const waiter of waiters.filter((waiter) => waiter.request === request)) waiter.resolve();
  };
  const abort = new AbortController();
  const proxy = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    async (incoming) => {
      const path = new URL(incoming.url).pathname;
      const part = /\/parts\/(\d+)$/.exec(path)?.[1];
      const request = part !== undefined
        ? `PUT ${part}`
        : path.endsWith("/finish")
        ? "POST finish"
        : path === "/api/uploads"
        ? "POST start"
        : incoming.method;
      seen.push(request);
      const decision = answer(request, seen.filter((one) => one === request).length);
      if (decision === "hold") {
        notify(request);
        return await new Promise<Response>((resolve) =>
          held.push(() => resolve(new Response(null, { status: 503 })))
        );
      }
      if (typeof decision === "number") {
        await incoming.body?.cancel();
        notify(request);
        return new Response(JSON.stringify({ error: "proxy", code: "proxy" }), {
          status: decision,
        });
      }
      const headers = new Headers(incoming.headers);
      headers.set("cookie", user.cookie);
      headers.set("origin", node);
      const body = incoming.method === "GET" ? undefined : await incoming.arrayBuffer();
      const upstream = await fetch(`${node}${path}`, { method: incoming.method, headers, body });
      const bytes = await upstream.arrayBuffer();
      notify(request);
      const { status } = upstream;
      return new Response(status === 204 ? null : bytes, { status, headers: upstream.headers });
    },
  );
  const waitFor = (request: Seen) =>
    done.includes(request)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ request, resolve }));
  try {
    await fn(`http://127.0.0.1:${proxy.addr.port}`, seen, waitFor);
  } finally {
    for (const release of held) release();
    abort.abort();
    await proxy.finished;
  }
}

/** A part deadline no part that the proxy passes on comes near, however loaded the machine. */
const PASSES = 60_000;
/** The deadline of a part the proxy holds: it passes with nothing else to wait for. */
const HELD = 100;

/**
 * Options of `uploadFile()` for a test: no progress kept, and the deadline of each part PUT in
 * turn from `deadlines` ({@linkcode HELD} for those the proxy will hold, so only they time out;
 * {@linkcode PASSES} once the list is used up).
 */
function options(origin: string, deadlines: number[], signal = new AbortController().signal) {
  const partTimeoutMs = () => deadlines.shift() ?? PASSES;
  return { signal, origin, partTimeoutMs, onProgress() {}, onWaiting() {} };
}

/**
 * `promise`, or a rejection if it has not settled within `limitMs`: a bound only so that an
 * upload that hangs (the failure these tests look for) fails the test instead of hanging it;
 * the uploads here end in well under a second.
 */
async function unlessHung<T>(promise: Promise<T>, limitMs = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) =>
    timer = setTimeout(() => reject(new Error("the upload still hangs")), limitMs)
  );
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

const FILE = new Blob([new Uint8Array(UPLOAD_PART_BYTES + 1000).map((_, i) => i % 253)], {
  type: "application/octet-stream",
});

Deno.test("uploadFile() gives up on a part that gets no answer by its deadline, or a 408, asks what arrived and sends only the rest", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    // Part 1 stalls once, then the node gives up on its body once (408), then it goes through.
    const answer = (seen: Seen, count: number) =>
      seen !== "PUT 1" ? "pass" : count === 1 ? "hold" : count === 2 ? 408 : "pass";
    await withProxy(server.url, alice, answer, async (url, seen) => {
      const deadlines = [PASSES, HELD, PASSES, PASSES];
      const done = await unlessHung(uploadFile(FILE, "data.bin", options(url, deadlines)));
      assert.equal(done.size, FILE.size);
      assert.deepEqual(seen, [
        "POST start",
        "PUT 0",
        "PUT 1",
        "GET",
        "PUT 1",
        "GET",
        "PUT 1",
        "POST finish",
      ]);
    });
  });
});

Deno.test("uploadFile() whose parts keep stalling fails with files.stalled in the reader's language, keeps the upload with its parts, and a resume sends only the rest", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    // Part 0 goes through; part 1 is swallowed until `stalling` is off.
    let stalling = true;
    const answer = (seen: Seen) => seen === "PUT 1" && stalling ? "hold" : "pass";
    await withProxy(server.url, alice, answer, async (url, seen) => {
      const deadlines = [PASSES, ...Array<number>(MAX_STALLS).fill(HELD)];
      const failure = await unlessHung(uploadFile(FILE, "data.bin", options(url, deadlines)))
        .catch((error: unknown) => error);
      assert.ok(failure instanceof UploadStalled, String(failure));
      assert.deepEqual(failure.text, { key: "files.stalled" });
      assert.equal(seen.filter((request) => request === "PUT 1").length, MAX_STALLS);
      assert.equal(
        errorText(translator("zh-CN"), failure),
        "上传中断：长时间没有响应。请检查网络连接，然后重试或移除此文件。",
      );
      assert.equal(
        errorText(translator("en"), failure),
        "The upload stopped: no answer for too long. Check your connection, then retry or remove the file.",
      );
      assert.ok(!seen.includes("DELETE"), "the stalled upload is kept for a retry");
      const path = `/api/uploads/${failure.uploadId}`;
      const kept = await uploadApi<UploadStatus>(server.url, alice, "GET", path);
      assert.deepEqual(kept.body.stored, [0]);

      stalling = false;
      const before = seen.length;
      const resumed = uploadFile(FILE, "data.bin", {
        ...options(url, []),
        resume: failure.uploadId,
      });
      const done = await unlessHung(resumed);
      assert.equal(done.size, FILE.size);
      assert.deepEqual(seen.slice(before), ["GET", "PUT 1", "POST finish"]);
    });
  });
});

Deno.test("deleteUpload() deletes an upload kept after a stall, and resuming it then starts anew", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    let stalling = true;
    const answer = (seen: Seen) => seen.startsWith("PUT") && stalling ? "hold" : "pass";
    await withProxy(server.url, alice, answer, async (url, seen) => {
      const deadlines = Array<number>(MAX_STALLS).fill(HELD);
      const failure = await unlessHung(uploadFile(FILE, "data.bin", options(url, deadlines)))
        .catch((error: unknown) => error);
      assert.ok(failure instanceof UploadStalled, String(failure));
      const inFlight = () => server.kv.list({ prefix: keys.userUploads(alice.id) }).next();
      assert.equal((await inFlight()).done, false, "kept, counted as unfinished");
      await deleteUpload(failure.uploadId, url);
      assert.equal((await inFlight()).done, true, "the upload still counts as in flight");

      stalling = false;
      const before = seen.length;
      const resumed = uploadFile(FILE, "data.bin", {
        ...options(url, []),
        resume: failure.uploadId,
      });
      assert.equal((await unlessHung(resumed)).size, FILE.size);
      assert.deepEqual(seen.slice(before), ["GET", "POST start", "PUT 0", "PUT 1", "POST finish"]);
    });
  });
});

Deno.test("uploadFile() told maxStalls: Infinity (a voice message) sends a part again at every deadline until it goes through", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const stalledTries = MAX_STALLS + 2;
    const answer = (seen: Seen, count: number) =>
      seen === "PUT 0" && count <= stalledTries ? "hold" : "pass";
    await withProxy(server.url, alice, answer, async (url, seen) => {
      const deadlines = Array<number>(stalledTries).fill(HELD);
      const upload = uploadFile(FILE, "voice.webm", {
        ...options(url, deadlines),
        maxStalls: Infinity,
      });
      const done = await unlessHung(upload);
      assert.equal(done.size, FILE.size);
      assert.equal(seen.filter((request) => request === "PUT 0").length, stalledTries + 1);
    });
  });
});

Deno.test("cancelling an upload whose part is stalled rejects at once with AbortError, and deletes the upload", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const answer = (seen: Seen) => seen.startsWith("PUT") ? "hold" : "pass";
    await withProxy(server.url, alice, answer, async (url, _seen, waitFor) => {
      const cancel = new AbortController();
      // A deadline far beyond the test: only the cancel can end the stalled part.
      const uploading = uploadFile(FILE, "data.bin", options(url, [3_600_000], cancel.signal));
      await waitFor("PUT 0");
      cancel.abort();
      const failure = await unlessHung(uploading).catch((error: unknown) => error);
      assert.ok(failure instanceof DOMException, String(failure));
      assert.equal(failure.name, "AbortError");
      await waitFor("DELETE");
    });
  });
});
