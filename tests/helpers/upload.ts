/**
 * Uploads through the real upload API, as the browser does: start, parts, finish.
 *
 * @module
 */
import type { FinishedUpload, UploadStatus } from "../../lib/common/attachments.ts";
import type { TestUser } from "./chat_client.ts";

/** An HTTP answer: status and parsed JSON body (null when empty). */
export interface Answer<T> {
  status: number;
  body: T;
}

/** Calls the upload API as `user` with the server's own Origin. */
export async function uploadApi<T>(
  baseUrl: string,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = { cookie: user.cookie, origin: baseUrl };
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    headers["content-type"] = "application/octet-stream";
    payload = body as Uint8Array<ArrayBuffer>;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** SHA-256 of `bytes`, lowercase hex. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Starts an upload of `bytes`; the answer is the status or a refusal. */
export async function startUpload(
  baseUrl: string,
  user: TestUser,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  type: string,
): Promise<Answer<UploadStatus & { error?: string }>> {
  return await uploadApi(baseUrl, user, "POST", "/api/uploads", {
    name,
    size: bytes.length,
    type,
    sha256: await sha256Hex(bytes),
  });
}

/** Sends parts `from` to `to` (exclusive) of an upload. */
export async function putParts(
  baseUrl: string,
  user: TestUser,
  status: UploadStatus,
  bytes: Uint8Array<ArrayBuffer>,
  from = 0,
  to = status.parts,
): Promise<void> {
  for (let index = from; index < to; index++) {
    const part = bytes.slice(index * status.partBytes, (index + 1) * status.partBytes);
    const put = await uploadApi(
      baseUrl,
      user,
      "PUT",
      `/api/uploads/${status.id}/parts/${index}`,
      part,
    );
    if (put.status !== 204) throw new Error(`part ${index}: ${put.status}`);
  }
}

/** Uploads a whole file; the answer of its finish. */
export async function uploadFile(
  baseUrl: string,
  user: TestUser,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  type: string,
): Promise<Answer<FinishedUpload & { error?: string; code?: string }>> {
  const started = await startUpload(baseUrl, user, bytes, name, type);
  if (started.status !== 201) throw new Error(`start: ${started.status} ${started.body.error}`);
  await putParts(baseUrl, user, started.body, bytes);
  return await uploadApi(baseUrl, user, "POST", `/api/uploads/${started.body.id}/finish`);
}
