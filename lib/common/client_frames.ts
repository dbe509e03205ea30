/**
 * The validating parser of client frames: one valibot schema per frame type and
 * {@linkcode parseClientFrame}. Server-only in practice (the browser builds frames, it never
 * parses them), so valibot stays out of the browser bundle; the types are re-exported by
 * `protocol.ts`.
 *
 * @module
 */
import * as v from "valibot";
import { FILE_ID_PATTERN, MAX_ATTACHMENTS } from "./attachments.ts";
import { RECORDING_MAX_SECONDS_CAP, WAVEFORM_MAX, WAVEFORM_PEAKS } from "./recordings.ts";
import {
  countChars,
  type ErrorFrame,
  HISTORY_PAGE_MAX,
  MAX_CANDIDATE_LENGTH,
  MAX_E2E_PAYLOAD,
  MAX_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  MAX_SDP_LENGTH,
  MAX_TEXT_CHARS,
} from "./protocol.ts";
import { isReactionEmoji } from "./reaction_emoji.ts";

/**
 * Whether a text has at most {@linkcode MAX_TEXT_CHARS} characters (code points). A text of
 * that many UTF-16 units or fewer cannot have more, so only longer ones are counted: counting
 * walks the string, on every send.
 */
function withinTextLimit(text: string): boolean {
  return text.length <= MAX_TEXT_CHARS || countChars(text) <= MAX_TEXT_CHARS;
}

const RoomId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "invalid room id"));
const ClientId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, "invalid clientId"));
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Ref = v.optional(v.pipe(v.string(), v.maxLength(64)));
/** An edit's text (a send's is checked in SendFrame: with files it may be empty). */
const Text = v.pipe(
  v.string(),
  v.check((text) => text.trim().length > 0, "text is empty"),
  v.check(withinTextLimit, `text is over ${MAX_TEXT_CHARS} characters`),
);

const SubscribeFrame = v.object({
  type: v.literal("subscribe"),
  ref: Ref,
  room: RoomId,
  /** Resume: the last seq this client has; the server replays every later message. */
  after: v.optional(Seq),
});
const UnsubscribeFrame = v.object({ type: v.literal("unsubscribe"), ref: Ref, room: RoomId });
const FileId = v.pipe(v.string(), v.regex(FILE_ID_PATTERN, "invalid file id"));
/**
 * A voice or video message's metadata, measured by the sender's browser: the length is bounded
 * here by the hard cap, and by the configured limit when the file is resolved.
 */
const Media = v.optional(v.object({
  kind: v.picklist(["voice", "video"]),
  duration: v.pipe(
    v.number(),
    v.gtValue(0, "duration must be positive"),
    v.maxValue(RECORDING_MAX_SECONDS_CAP, `duration is over ${RECORDING_MAX_SECONDS_CAP} s`),
  ),
  waveform: v.optional(v.pipe(
    v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(WAVEFORM_MAX))),
    v.maxLength(WAVEFORM_PEAKS, `waveform has more than ${WAVEFORM_PEAKS} bars`),
  )),
}));
/** Files to attach: uploaded file ids (and thumbnails); the server fills in the rest. */
const Attachments = v.optional(v.pipe(
  v.array(v.object({ id: FileId, thumb: v.optional(FileId), media: Media })),
  v.minLength(1, "attachments is empty"),
  v.maxLength(MAX_ATTACHMENTS, `more than ${MAX_ATTACHMENTS} attachments`),
));
const Base64 = v.pipe(
  v.string(),
  v.minLength(4, "payload is empty"),
  v.regex(/^[A-Za-z0-9+/]*={0,2}$/, "payload is not base64"),
  v.check((text) => text.length % 4 === 0, "payload is not base64"),
);
/** An MLS payload of an encrypted room, opaque to the server; see `E2ePayload`. */
const E2e = v.optional(v.pipe(
  v.object({
    kind: v.picklist(["message", "commit"]),
    data: Base64,
    /** Only a commit adding devices has one. */
    welcome: v.optional(Base64),
  }),
  v.check(
    (e2e) => e2e.data.length + (e2e.welcome?.length ?? 0) <= MAX_E2E_PAYLOAD,
    `payload is over ${MAX_E2E_PAYLOAD} characters`,
  ),
  v.check(
    (e2e) => e2e.kind === "commit" || e2e.welcome === undefined,
    "only a commit has a welcome",
  ),
));
const SendFrame = v.pipe(
  v.object({
    type: v.literal("send"),
    ref: Ref,
    room: RoomId,
    clientId: ClientId,
    text: v.string(),
    attachments: Attachments,
    /** The seq of the message this one replies to, in the same room. */
    replyTo: v.optional(Seq),
    /** Encrypted rooms: the message as the sender's device encrypted it; `text` must be "". */
    e2e: E2e,
  }),
  // Everything of an encrypted message is inside its payload: nothing else may travel in clear.
  v.forward(
    v.check(
      (frame) =>
        frame.e2e === undefined ||
        (frame.text === "" && frame.replyTo === undefined &&
          (frame.attachments ?? []).every((file) => !file.thumb && !file.media)),
      "an encrypted message carries its text, files' keys and names, and reply inside e2e; " +
        "text must be empty and files are named by id alone",
    ),
    ["text"],
  ),
  // A caption may be empty when files are attached; otherwise `text` follows the rules of Text.
  v.forward(
    v.check(
      (frame) =>
        frame.e2e !== undefined || frame.attachments !== undefined || frame.text.trim().length > 0,
      "text is empty",
    ),
    ["text"],
  ),
  v.forward(
    v.check(
      (frame) => withinTextLimit(frame.text),
      `text is over ${MAX_TEXT_CHARS} characters`,
    ),
    ["text"],
  ),
);
// Message actions (v2): each is stored as a log entry with its own seq; see docs/PROTOCOL.md.
/** The `e2e` of an edit or a reaction in an encrypted room: an application message. */
const E2eAction = v.optional(v.pipe(
  v.object({ kind: v.literal("message"), data: Base64 }),
  v.check(
    (e2e) => e2e.data.length <= MAX_E2E_PAYLOAD,
    `payload is over ${MAX_E2E_PAYLOAD} characters`,
  ),
));
/**
 * An edit: the new `text`, or in an encrypted room `text: ""` and the new text inside `e2e`
 * (the server stores the entry and leaves its target as it is: it cannot read the edit).
 */
const EditFrame = v.pipe(
  v.object({
    type: v.literal("edit"),
    ref: Ref,
    room: RoomId,
    clientId: ClientId,
    target: Seq,
    text: v.string(),
    e2e: E2eAction,
  }),
  v.forward(
    v.check(
      (frame) => frame.e2e === undefined ? v.is(Text, frame.text) : frame.text === "",
      "text is empty, too long, or (with e2e) not empty",
    ),
    ["text"],
  ),
);
const DeleteFrame = v.object({
  type: v.literal("delete"),
  ref: Ref,
  room: RoomId,
  clientId: ClientId,
  target: Seq,
});
/** A reaction: `emoji` and `on`, or (in an encrypted room) `e2e` alone. */
const ReactFrame = v.pipe(
  v.object({
    type: v.literal("react"),
    ref: Ref,
    room: RoomId,
    clientId: ClientId,
    target: Seq,
    emoji: v.optional(v.pipe(v.string(), v.check(isReactionEmoji, "emoji must be one emoji"))),
    /** True adds the user's reaction, false removes it: never a blind flip. */
    on: v.optional(v.boolean()),
    /** Encrypted rooms: the emoji and `on` inside an MLS message, instead of `emoji` and `on`. */
    e2e: E2eAction,
  }),
  v.check(
    (frame) =>
      frame.e2e === undefined
        ? frame.emoji !== undefined && frame.on !== undefined
        : frame.emoji === undefined && frame.on === undefined,
    "a reaction carries emoji and on, or (encrypted) e2e alone",
  ),
);
/** Asks for the earlier versions of an edited message. */
const VersionsFrame = v.object({
  type: v.literal("versions"),
  ref: Ref,
  room: RoomId,
  target: Seq,
});
const HistoryFrame = v.object({
  type: v.literal("history"),
  ref: Ref,
  room: RoomId,
  /** Page ends just before this seq; omitted means the newest page. */
  before: v.optional(Seq),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(HISTORY_PAGE_MAX))),
});
const PingFrame = v.object({ type: v.literal("ping"), ref: Ref });
const PongFrame = v.object({ type: v.literal("pong"), ref: Ref });
/** The user is typing in a room (or, with `stop`, emptied the composer); never stored. */
const TypingFrame = v.object({
  type: v.literal("typing"),
  ref: Ref,
  room: RoomId,
  stop: v.optional(v.literal(true)),
});
/**
 * This tab is away (hidden, or idle for {@linkcode AWAY_AFTER_MS}) or back. A user is away
 * when every one of their tabs is; a new socket starts active.
 */
const PresenceFrame = v.object({ type: v.literal("presence"), ref: Ref, away: v.boolean() });
// Read markers and receipts (see docs/PROTOCOL.md, "Read state").
/** The user has read the room up to `seq` (visible and focused); the marker only moves forward. */
const ReadFrame = v.object({ type: v.literal("read"), ref: Ref, room: RoomId, seq: Seq });
/** Asks who has read how far in a room, for "Seen" and "Seen by N". */
const ReceiptsFrame = v.object({ type: v.literal("receipts"), ref: Ref, room: RoomId });

// Calls (see docs/PROTOCOL.md, "Calls"): signalling only, never stored.
const CallId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, "invalid call id"));
const UserId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "invalid user id"));
/** Rings the other member of a direct room; `call` is a fresh id the caller chose. */
const CallInviteFrame = v.object({
  type: v.literal("call_invite"),
  ref: Ref,
  call: CallId,
  room: RoomId,
  media: v.picklist(["audio", "video"]),
});
/**
 * Answer (`call_accept`), refuse (`call_decline`), leave or cancel (`call_hangup`), or carry a
 * call on this socket after a reconnect (`call_join`: it becomes the participant's socket).
 */
const CallActionFrame = (type: "call_accept" | "call_decline" | "call_hangup" | "call_join") =>
  v.object({ type: v.literal(type), ref: Ref, call: CallId });
const Signal = v.variant("kind", [
  v.object({
    kind: v.picklist(["offer", "answer"]),
    sdp: v.pipe(
      v.string(),
      v.minLength(1, "sdp is empty"),
      v.maxLength(MAX_SDP_LENGTH, `sdp is over ${MAX_SDP_LENGTH} characters`),
    ),
  }),
  v.object({
    kind: v.literal("candidate"),
    candidate: v.object({
      candidate: v.pipe(
        v.string(),
        v.maxLength(MAX_CANDIDATE_LENGTH, `candidate is over ${MAX_CANDIDATE_LENGTH} characters`),
      ),
      sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
      sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
    }),
  }),
]);
/** Media negotiation for participant `to` of call `call`; relayed to their socket only. */
const CallSignalFrame = v.object({
  type: v.literal("call_signal"),
  ref: Ref,
  call: CallId,
  to: UserId,
  signal: Signal,
});

const ClientFrameSchema = v.variant("type", [
  SubscribeFrame,
  UnsubscribeFrame,
  SendFrame,
  HistoryFrame,
  PingFrame,
  PongFrame,
  TypingFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  VersionsFrame,
  PresenceFrame,
  ReadFrame,
  ReceiptsFrame,
  CallInviteFrame,
  CallActionFrame("call_accept"),
  CallActionFrame("call_decline"),
  CallActionFrame("call_hangup"),
  CallActionFrame("call_join"),
  CallSignalFrame,
]);

/** Every frame a client may send. Unknown fields (such as a forged `from`) are dropped. */
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;
/** The `type` of a client frame. */
export type ClientFrameType = ClientFrame["type"];
/**
 * Each frame type's schema, from the variant's own options: the parser looks the schema up by
 * `type` instead of letting the variant try the options in turn (it builds an issue for each
 * option whose type does not match: about 2 µs of a send frame's 4.7, BENCHMARKS.md "Small
 * rooms, round four").
 */
const SCHEMA_BY_TYPE: ReadonlyMap<string, (typeof ClientFrameSchema.options)[number]> = new Map(
  ClientFrameSchema.options.map((schema) => [schema.entries.type.literal, schema]),
);

/** Result of {@linkcode parseClientFrame}. */
export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

const encoder = new TextEncoder();

/**
 * Validates one raw WebSocket frame from a client.
 *
 * Never throws: any malformed, oversized, binary or unknown frame yields an `error` frame that
 * names the request (`ref`, `type`, `room`, `clientId`) as far as it could be read.
 */
export function parseClientFrame(raw: unknown): ParseResult {
  if (typeof raw !== "string") {
    return fail({
      code: "binary_frame",
      message: "binary frames are not supported; send JSON text",
    });
  }
  if (
    raw.length > MAX_FRAME_BYTES ||
    (raw.length * 3 > MAX_FRAME_BYTES && encoder.encode(raw).length > MAX_FRAME_BYTES)
  ) {
    return fail({ code: "frame_too_large", message: `frame is over ${MAX_FRAME_BYTES} bytes` });
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail({ code: "bad_frame", message: "frame is not valid JSON" });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail({ code: "bad_frame", message: "frame must be a JSON object" });
  }
  const record = data as Record<string, unknown>;
  const shape = shapeProblem(data, 1);
  if (shape) return fail({ ...describeRequest(record), code: "bad_frame", message: shape });
  const type = record.type;
  const schema = typeof type === "string" ? SCHEMA_BY_TYPE.get(type) : undefined;
  if (!schema) {
    return fail({
      ...describeRequest(record),
      code: "unknown_type",
      message: "unknown frame type",
    });
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((item) => String(item.key)).join(".");
    return fail({
      ...describeRequest(record),
      code: "bad_frame",
      message: path ? `${path}: ${issue.message}` : issue.message,
    });
  }
  return { ok: true, frame: result.output };
}

/**
 * Why a parsed value may not be a frame: nesting deeper than {@linkcode MAX_FRAME_DEPTH}, or
 * a `__proto__` key at any level (`JSON.parse` makes it an own key; code that copies the
 * object with `Object.assign` or a spread would set a prototype). Undefined when neither.
 */
function shapeProblem(value: unknown, depth: number): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > MAX_FRAME_DEPTH) return `frame nests deeper than ${MAX_FRAME_DEPTH} levels`;
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    return "frame has a __proto__ key";
  }
  for (const item of Object.values(value)) {
    const problem = shapeProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function fail(error: Omit<ErrorFrame, "type">): ParseResult {
  return { ok: false, error: { type: "error", ...error } };
}

/** Picks the fields that name a request, only where they have the right shape. */
function describeRequest(data: Record<string, unknown>): Partial<ErrorFrame> {
  const named: Partial<ErrorFrame> = {};
  const pick = (key: "ref" | "room" | "clientId") => {
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    if (typeof value === "string" && value.length <= 64) named[key] = value;
  };
  pick("ref");
  pick("room");
  pick("clientId");
  if (typeof data.type === "string" && data.type.length <= 32) named.request = data.type;
  return named;
}
