/**
 * Call frames in integration tests: ask and expect refusals, wait for a call's state, and read
 * what a socket was told. Shared by the one-to-one and group call tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DirectRoom } from "../../lib/common/api_types.ts";
import type { CallView, ServerFrame } from "../../lib/common/protocol.ts";
import { api, befriend, type TestSocket, type TestUser } from "./chat_client.ts";

/** Makes `a` and `b` friends and opens their direct room; returns its id. */
export async function friendsWithDm(url: string, a: TestUser, b: TestUser): Promise<string> {
  await befriend(url, a, b);
  const dm = await api<{ room: DirectRoom }>(url, a, "POST", "/api/dms", { username: b.name });
  assert.equal(dm.status, 200);
  return dm.body.room.id;
}

/** Sends a call frame with a fresh ref; resolves to the `call` or `error` frame answering it. */
export async function ask(socket: TestSocket, frame: Record<string, unknown>) {
  const ref = crypto.randomUUID().slice(0, 8);
  socket.send(JSON.stringify({ ...frame, ref }));
  return await socket.next("error", (f) => f.ref === ref).catch(() => undefined);
}

/** Sends a frame that should be refused; resolves to the error frame. */
export async function refused(socket: TestSocket, frame: Record<string, unknown>) {
  const error = await ask(socket, frame);
  assert.ok(error, `expected ${frame.type} to be refused`);
  return error;
}

/** Waits for the `call` frame that shows `call` in `state`. */
export function callState(socket: TestSocket, call: string, state: CallView["state"]) {
  return socket.next("call", (f) => f.call.id === call && f.call.state === state);
}

/** Waits until every frame sent to `socket` before now has arrived (a ping answered). */
export async function flushed(socket: TestSocket): Promise<void> {
  const ref = crypto.randomUUID().slice(0, 8);
  socket.send({ type: "ping", ref });
  await socket.next("pong", (f) => f.ref === ref);
}

/** The id the server gave `socket` in its `welcome`. */
export function socketIdOf(socket: TestSocket): string {
  const welcome = socket.frames.find((f) => f.type === "welcome");
  assert.ok(welcome?.type === "welcome");
  return welcome.socket;
}

/** Waits for the system message of `type` in `room`. */
export function systemEvent(socket: TestSocket, room: string, type: string) {
  return socket.next("message", (f) => f.room === room && f.event?.type === type);
}

/** The call summaries (`call_*` system events) in the newest history page of `room`. */
export async function callSummaries(socket: TestSocket, room: string) {
  const ref = crypto.randomUUID().slice(0, 8);
  socket.send({ type: "history", room, ref });
  const page = await socket.next("history", (f) => f.ref === ref);
  return page.messages.filter((message) => message.event?.type.startsWith("call_"));
}

/** The `call_signal` frames `socket` received. */
export function signals(socket: TestSocket): Extract<ServerFrame, { type: "call_signal" }>[] {
  return socket.frames.filter((f): f is Extract<ServerFrame, { type: "call_signal" }> =>
    f.type === "call_signal"
  );
}

/** Closes every socket. */
export async function closeAll(sockets: TestSocket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => socket.close()));
}
