/**
 * A scripted protocol client for integration tests: a real WebSocket with the session cookie
 * and an Origin, and a queue of received frames to await.
 *
 * @module
 */
import type { PublicUser, RoomSummary } from "../../lib/common/api_types.ts";
import type { ClientFrame, ServerFrame } from "../../lib/common/protocol.ts";

/** A registered user with their session cookies. */
export interface TestUser extends PublicUser {
  /** Every cookie registration set (the session and its user hint), as a browser sends them. */
  cookie: string;
}

let counter = 0;

/** Registers a fresh user through the JSON API. */
export async function registerUser(baseUrl: string, prefix = "user"): Promise<TestUser> {
  const username = `${prefix}${Date.now().toString(36)}${counter++}`.slice(0, 32);
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "correct horse battery" }),
  });
  if (response.status !== 201) {
    throw new Error(`register: ${response.status} ${await response.text()}`);
  }
  const { user } = await response.json() as { user: PublicUser };
  const cookie = response.headers.getSetCookie().map((set) => set.split(";")[0]!).join("; ");
  return { ...user, cookie };
}

/** Calls the JSON API as a user. */
export async function api<T>(
  baseUrl: string,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { cookie: user.cookie, origin: baseUrl, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Creates a room as `owner` and has every other user join it. Each join stores an "X joined"
 * system message, so the room's head is not 0 afterwards when there are members (see
 * {@linkcode roomHead}).
 */
export async function createRoom(
  baseUrl: string,
  owner: TestUser,
  members: TestUser[] = [],
  name = "general",
): Promise<RoomSummary> {
  const created = await api<{ room: RoomSummary }>(baseUrl, owner, "POST", "/api/rooms", { name });
  if (created.status !== 201) throw new Error(`create room: ${created.status}`);
  for (const member of members) {
    const joined = await api(baseUrl, member, "POST", `/api/rooms/${created.body.room.id}/join`);
    if (joined.status !== 200) throw new Error(`join: ${joined.status}`);
  }
  return created.body.room;
}

/**
 * The room's head (its last stored seq) as the server tells a member who subscribes: tests
 * count the seqs they expect from it, after their setup stored system messages (joins).
 */
export async function roomHead(baseUrl: string, member: TestUser, room: string): Promise<number> {
  const socket = new TestSocket(baseUrl, member);
  try {
    await socket.next("welcome");
    socket.send({ type: "subscribe", room, ref: "head" });
    return (await socket.next("subscribed", (frame) => frame.ref === "head")).head;
  } finally {
    await socket.close();
  }
}

/** A WebSocket speaking the chat protocol, recording every frame it receives. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  /** Every WebSocket frame's text as it arrived (a batch is one). */
  readonly texts: string[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  #waiters: (() => void)[] = [];

  /**
   * Opens `/ws?v=2` with the user's cookie and the server's own Origin (unless overridden);
   * with `batches`, `/ws?v=2&batch=1`, and each line of a frame is read as a frame.
   */
  constructor(
    baseUrl: string,
    user: TestUser | undefined,
    origin: string | null = baseUrl,
    batches = false,
  ) {
    const headers: Record<string, string> = {};
    if (user) headers.cookie = user.cookie;
    if (origin) headers.origin = origin;
    const url = `${baseUrl.replace("http", "ws")}/ws?v=2${batches ? "&batch=1" : ""}`;
    this.socket = new WebSocket(url, { headers } as never);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve());
      this.socket.addEventListener("error", () => reject(new Error("socket error")));
    });
    this.closed = new Promise((resolve) => this.socket.addEventListener("close", resolve));
    this.socket.addEventListener("message", (event) => {
      this.texts.push(event.data);
      for (const line of batches ? event.data.split("\n") : [event.data]) {
        this.frames.push(JSON.parse(line));
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.socket.addEventListener("close", () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Sends a client frame (or raw text/bytes for malformed-input tests). */
  send(frame: ClientFrame | string | Uint8Array): void {
    this.socket.send(
      typeof frame === "string" || frame instanceof Uint8Array
        ? frame as string
        : JSON.stringify(frame),
    );
  }

  /** Waits for the first received frame of `type` matching `match`; returns it. */
  async next<T extends ServerFrame["type"]>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const found = () =>
      this.frames.find((frame) => frame.type === type && match(frame as never)) as
        | Extract<ServerFrame, { type: T }>
        | undefined;
    await this.#until(() => found() !== undefined, timeoutMs, `a ${type} frame`);
    return found()!;
  }

  /**
   * Subscribes to `room` (from after seq `after`, when given) and waits for the `subscribed`
   * frame that answers this very request (matched by a fresh `ref`); returns it.
   */
  async subscribe(
    room: string,
    after?: number,
  ): Promise<Extract<ServerFrame, { type: "subscribed" }>> {
    const ref = crypto.randomUUID().slice(0, 8);
    this.send({ type: "subscribe", room, after, ref });
    return await this.next("subscribed", (frame) => frame.ref === ref);
  }

  /** Message frames received for a room, in arrival order. */
  messages(room: string): Extract<ServerFrame, { type: "message" }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: "message" }> =>
      frame.type === "message" && frame.room === room
    );
  }

  /** Waits until `count` messages of a room have arrived. */
  async waitForMessages(room: string, count: number, timeoutMs = 15_000): Promise<void> {
    await this.#until(
      () => this.messages(room).length >= count,
      timeoutMs,
      `${count} messages in ${room} (got ${this.messages(room).length})`,
    );
  }

  async #until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${what}; last frames: ${JSON.stringify(this.frames.slice(-3))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

/** Opens a {@linkcode TestSocket} for `user` and waits for its `welcome`. */
export async function openSocket(baseUrl: string, user: TestUser): Promise<TestSocket> {
  const socket = new TestSocket(baseUrl, user);
  await socket.next("welcome");
  return socket;
}

/** Makes `a` and `b` friends through the API: `a` asks, `b` accepts. */
export async function befriend(baseUrl: string, a: TestUser, b: TestUser): Promise<void> {
  const sent = await api(baseUrl, a, "POST", "/api/friends/requests", { username: b.name });
  if (sent.status !== 201) throw new Error(`friend request: ${sent.status}`);
  const accepted = await api(baseUrl, b, "POST", `/api/friends/requests/${a.name}/accept`);
  if (accepted.status !== 204) throw new Error(`accept: ${accepted.status}`);
}
