/**
 * Deleting a test user's account through the node's API, in this process, and waiting for the
 * part of the deletion that runs on after the answer.
 *
 * @module
 */
import type { TestUser } from "./chat_client.ts";
import { call } from "./in_process_api.ts";
import type { TestServer } from "./test_server.ts";

/**
 * `POST /api/me/account/delete` as `user` (through `call`, so a `CommitScheduler` actor holds
 * its commits, those of the deletion's background run included), then waits until the node's
 * deletions have ended (`AccountDeletion.settled`); the answer of the request.
 */
export async function deleteAccount(
  server: TestServer,
  user: TestUser,
  password: string,
): Promise<{ status: number; body?: unknown }> {
  const answer = await call(server, user, "POST", "/api/me/account/delete", { password });
  await server.chat.accountDeletion.settled();
  return answer;
}
