/**
 * Calls a test node's JSON API in this process, through its `fetch` rather than a socket, so
 * that the caller's async context reaches the handler: what a `CommitScheduler` actor
 * (`commit_scheduler.ts`) needs to hold the request's commits.
 *
 * @module
 */
import type { TestUser } from "./chat_client.ts";
import type { TestServer } from "./test_server.ts";

/** Calls `path` as `user` with the server's own Origin; the status and the JSON body, if any. */
export async function call(
  server: TestServer,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body?: unknown }> {
  const response = await server.chat.fetch(
    new Request(`${server.url}${path}`, {
      method,
      headers: { cookie: user.cookie, origin: server.url, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const json = response.headers.get("content-type")?.startsWith("application/json");
  if (!json) await response.body?.cancel();
  return { status: response.status, body: json ? await response.json() : undefined };
}
