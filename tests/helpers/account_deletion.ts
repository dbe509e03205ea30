/**
 * Deleting a test user's account through the node's API, in this process, and waiting for the
 * part of the deletion that runs on after the answer.
 *
 * @module
 */
import type { TestSocket, TestUser } from "./chat_client.ts";
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

/** Sends on `socket`, to `room`, a message carrying the uploaded file `fileId` (`photo-0001`). */
export function sendPhoto(socket: TestSocket, room: string, fileId: string): void {
  socket.send({
    type: "send",
    room,
    clientId: "photo-0001",
    text: "",
    attachments: [{ id: fileId }],
  });
}

/**
 * Sends on `socket`, to `room`, a message carrying the uploaded file `fileId` (clientId
 * `photo-0001`) and one of `text` only (`words-0001`), as a user whose account is then deleted
 * would: the first must go with the account, the second stay. Waits for both acks; their seqs.
 */
export async function sendPhotoAndWords(
  socket: TestSocket,
  room: string,
  fileId: string,
  text = "words",
): Promise<{ photo: number; words: number }> {
  sendPhoto(socket, room, fileId);
  socket.send({ type: "send", room, clientId: "words-0001", text });
  const [photo, words] = await Promise.all(
    ["photo-0001", "words-0001"].map((clientId) =>
      socket.next("ack", (frame) => frame.clientId === clientId)
    ),
  );
  return { photo: photo!.seq, words: words!.seq };
}
