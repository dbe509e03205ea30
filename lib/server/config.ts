import { DEFAULT_COMMIT_LINGER_MS } from "../messages/message_writer.ts";
import { DEFAULT_MAX_UPLOAD_BYTES, UPLOAD_PART_BYTES } from "../common/attachments.ts";
import { partTimeoutMs } from "../common/part_timeout.ts";
import { MAX_AVATAR_BYTES } from "../common/api_types.ts";
import {
  DEFAULT_VIDEO_MAX_SECONDS,
  DEFAULT_VOICE_MAX_SECONDS,
  RECORDING_MAX_SECONDS_CAP,
  type RecordingLimits,
} from "../common/recordings.ts";
import { LOG_FORMATS, type LogFormat } from "./log.ts";
import { type IceConfig, iceConfigFrom } from "../calls/ice_servers.ts";
import { CALL_MESH_MAX_DEFAULT } from "../common/protocol.ts";

/** Server configuration, read from environment variables (documented in the README). */
export interface Config {
  /** `PORT`: TCP port to listen on. Default 8000. */
  port: number;
  /** `KV_PATH`: Deno KV file; `:memory:` for throwaway runs; empty string for Deploy's default. */
  kvPath: string;
  /**
   * `ALLOWED_ORIGINS`: comma-separated origins allowed to open the WebSocket and post forms.
   * Empty means only the origin the request was addressed to (same-origin).
   */
  allowedOrigins: string[];
  /** `SESSION_TTL_HOURS`: how long a login lasts. Default 720 (30 days). */
  sessionTtlMs: number;
  /** `HEARTBEAT_MS`: server ping interval; a peer silent for twice as long is dropped. */
  heartbeatMs: number;
  /**
   * `COMMIT_LINGER_MS`: how long a busy writer waits to gather more messages into one KV
   * commit (see `message_writer.ts`); 0 never waits. Default 10.
   */
  commitLingerMs: number;
  /**
   * `REDIS_URL` (`redis://[[user]:password@]host[:port][/db]`, or `rediss://`): the Redis of the
   * `redis` broker, which it selects unless `BROKER` says otherwise.
   */
  redisUrl?: string;
  /**
   * `BROKER`: how nodes tell each other of events (see {@linkcode BrokerKind}). Default:
   * `redis` when `REDIS_URL` is set, else `kv` on Deno Deploy, else `broadcast`.
   */
  broker: BrokerKind;
  /** `BROKER_POLL_MS`: how often the `kv-poll` broker reads the KV. Default 50. */
  brokerPollMs: number;
  /** Abuse limits; each has its own variable. */
  limits: Limits;
  /**
   * `VOICE_MAX_SECONDS` (default 120) and `VIDEO_MAX_SECONDS` (default 60): the longest voice
   * and video message; the recorder stops and sends at the limit, the server refuses longer.
   */
  recordings: RecordingLimits;
  /**
   * `PUBLIC_URL`: the origin browsers use to reach the chat (`https://chat.example`), needed
   * behind a TLS proxy. When set, it is an allowed origin, the WebSocket and write checks use
   * it instead of the `Host` header, and when https the session cookie is `Secure` and named
   * `__Host-sid` (see `lib/server/session_cookie.ts`).
   */
  publicUrl?: string;
  /**
   * `METRICS_TOKEN`: the bearer token `GET /metrics` asks for (at least 16 characters). Unset:
   * the endpoint does not exist (404).
   */
  metricsToken?: string;
  /**
   * `LOG_FORMAT`: `json` (one JSON object a line, the default), `text` (readable lines, for
   * development) or `off`.
   */
  logFormat: LogFormat;
  /** Call ICE servers: `STUN_URLS`, `TURN_URLS`, `TURN_SECRET`, `TURN_TTL_SECONDS`. */
  ice: IceConfig;
  /** Group call size and reconnect grace. */
  calls: CallLimits;
}

/** Limits of calls. */
export interface CallLimits {
  /**
   * `CALL_MAX_PARTICIPANTS`: the most people in a room's group call (2 to 16; default 6). Media
   * goes peer to peer in a full mesh, so each participant uploads its stream once per other one.
   */
  maxParticipants: number;
  /**
   * `CALL_RECONNECT_SECONDS`: how long a participant whose socket closed may take to come back
   * before they are hung up (default 30).
   */
  reconnectGraceMs: number;
  /**
   * `CALL_SWEEP_SECONDS`: how often each node ends calls whose ring or grace deadline passed
   * on a node that died (default 5); a live node's own timers end them on time.
   */
  sweepMs: number;
}

/** Per-user and per-address limits. Node-local ones hold per worker or process. */
export interface Limits {
  /** `SEND_RATE`: messages per second a user may send, refilled continuously (per node). */
  sendRatePerSecond: number;
  /** `SEND_BURST`: messages a user may send at once before the rate applies (per node). */
  sendBurst: number;
  /** `SAME_TEXT_MAX`: identical texts a user may post to one room within 10 s (per node). */
  sameTextMax: number;
  /** `CONNECTIONS_PER_USER`: open WebSockets per user (per node). */
  connectionsPerUser: number;
  /** `CONNECTIONS_PER_ADDRESS`: open WebSockets per client address (per node). */
  connectionsPerAddress: number;
  /** `ROOMS_PER_HOUR`: rooms a user may create per hour (shared through KV). */
  roomsPerHour: number;
  /** `FRIEND_REQUESTS_PER_HOUR`: friend requests a user may send per hour (shared through KV). */
  friendRequestsPerHour: number;
  /** `LOGIN_FAILURES_PER_USER`: failed logins per account name per 15 minutes (KV). */
  loginFailuresPerUser: number;
  /** `LOGIN_FAILURES_PER_ADDRESS`: failed logins per client address per 15 minutes (KV). */
  loginFailuresPerAddress: number;
  /** `SLOW_CONSUMER_BYTES`: unsent bytes over which a socket counts as lagging. */
  slowConsumerBytes: number;
  /** `SLOW_CONSUMER_GRACE_MS`: how long a socket may lag before it is closed. */
  slowConsumerGraceMs: number;
  /** `MAX_BUFFERED_BYTES`: unsent bytes that close a socket at once. */
  maxBufferedBytes: number;
  /** `MAX_UPLOAD_MB`: largest file a user may upload, in bytes (set in MiB). Default 25 MiB. */
  maxUploadBytes: number;
  /** `UPLOADS_IN_FLIGHT`: unfinished uploads a user may have at once (KV). Default 10. */
  uploadsInFlight: number;
  /** `UPLOADS_PER_HOUR`: uploads a user may start per hour (KV). Default 300. */
  uploadsPerHour: number;
  /**
   * `UPLOAD_PART_SECONDS`: how long the server reads one part's body before it gives up on it,
   * drops what arrived and answers 408 (a client that stalled mid-part). Default 90: what the
   * browser allows a whole part (`partTimeoutMs` in `lib/common/part_timeout.ts`).
   */
  uploadPartMs: number;
  /**
   * `BODY_SECONDS`: how long the server reads any other request body (JSON, forms, avatar
   * images) before it gives up on it and answers 408 (a client that stalled mid-body). Default
   * 38: {@linkcode partTimeoutMs} of the largest such body, an avatar (`MAX_AVATAR_BYTES`, 60
   * KiB: 30 s plus 7.5 s at the slowest link's 8 KiB/s; a JSON body is at most 16 KiB).
   */
  bodyMs: number;
  /**
   * `UNSENT_BYTES_BUDGET`: unsent bytes all sockets of this node (worker) may hold together;
   * past it the sockets furthest behind are closed (4008). Default: see
   * {@linkcode defaultUnsentBytesBudget}.
   */
  unsentBytesBudget: number;
}

/**
 * The broker implementations (`lib/realtime/broker/`): `broadcast` (BroadcastChannel, the
 * workers of one process), `redis` (Redis pub/sub, any processes and machines), `kv` (Deno KV
 * with `kv.watch`: Deno Deploy, or the workers of one process) and `kv-poll` (Deno KV, polled:
 * processes sharing one KV file).
 */
export type BrokerKind = "broadcast" | "redis" | "kv" | "kv-poll";

const BROKER_KINDS: readonly BrokerKind[] = ["broadcast", "redis", "kv", "kv-poll"];

/** Default KV file, relative to the working directory (not used on Deno Deploy). */
export const DEFAULT_KV_PATH = "./data/chat.kv";

/**
 * Whether the environment is Deno Deploy's: `DENO_DEPLOY=true` (the new Deno Deploy), or a
 * `DENO_DEPLOYMENT_ID` (set by both the new and the classic platform).
 */
export function onDenoDeploy(env: Record<string, string | undefined>): boolean {
  return env.DENO_DEPLOY === "true" || !!env.DENO_DEPLOYMENT_ID;
}

/** Reads the configuration from a map of environment variables. Throws on invalid values. */
export function readConfig(env: Record<string, string | undefined>): Config {
  const redisUrl = redisUrlFrom(env.REDIS_URL);
  return {
    port: intFrom(env, "PORT", 8000, 0, 65535),
    // On Deploy the app's own KV (no path), and nothing written to its disk.
    kvPath: env.KV_PATH ?? (onDenoDeploy(env) ? "" : DEFAULT_KV_PATH),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "").split(",").map((origin) => origin.trim())
      .filter((origin) => origin.length > 0).map((origin) => new URL(origin).origin),
    sessionTtlMs: intFrom(env, "SESSION_TTL_HOURS", 720, 1, 24 * 365) * 3_600_000,
    heartbeatMs: intFrom(env, "HEARTBEAT_MS", 25_000, 1_000, 600_000),
    commitLingerMs: intFrom(env, "COMMIT_LINGER_MS", DEFAULT_COMMIT_LINGER_MS, 0, 100),
    redisUrl,
    broker: brokerFrom(env, redisUrl),
    brokerPollMs: intFrom(env, "BROKER_POLL_MS", 50, 5, 60_000),
    publicUrl: publicUrlFrom(env.PUBLIC_URL),
    recordings: {
      voiceMaxSeconds: intFrom(
        env,
        "VOICE_MAX_SECONDS",
        DEFAULT_VOICE_MAX_SECONDS,
        1,
        RECORDING_MAX_SECONDS_CAP,
      ),
      videoMaxSeconds: intFrom(
        env,
        "VIDEO_MAX_SECONDS",
        DEFAULT_VIDEO_MAX_SECONDS,
        1,
        RECORDING_MAX_SECONDS_CAP,
      ),
    },
    metricsToken: metricsTokenFrom(env.METRICS_TOKEN),
    logFormat: logFormatFrom(env.LOG_FORMAT),
    ice: iceConfigFrom(env),
    calls: {
      maxParticipants: intFrom(env, "CALL_MAX_PARTICIPANTS", CALL_MESH_MAX_DEFAULT, 2, 16),
      reconnectGraceMs: intFrom(env, "CALL_RECONNECT_SECONDS", 30, 1, 3_600) * 1000,
      sweepMs: intFrom(env, "CALL_SWEEP_SECONDS", 5, 1, 3_600) * 1000,
    },
    limits: {
      sendRatePerSecond: intFrom(env, "SEND_RATE", 10, 1, 1_000_000),
      sendBurst: intFrom(env, "SEND_BURST", 30, 1, 1_000_000),
      sameTextMax: intFrom(env, "SAME_TEXT_MAX", 5, 1, 1_000_000),
      connectionsPerUser: intFrom(env, "CONNECTIONS_PER_USER", 20, 1, 1_000_000),
      connectionsPerAddress: intFrom(env, "CONNECTIONS_PER_ADDRESS", 500, 1, 1_000_000),
      roomsPerHour: intFrom(env, "ROOMS_PER_HOUR", 20, 1, 1_000_000),
      friendRequestsPerHour: intFrom(env, "FRIEND_REQUESTS_PER_HOUR", 20, 1, 1_000_000),
      loginFailuresPerUser: intFrom(env, "LOGIN_FAILURES_PER_USER", 5, 1, 1_000_000),
      loginFailuresPerAddress: intFrom(env, "LOGIN_FAILURES_PER_ADDRESS", 50, 1, 1_000_000),
      slowConsumerBytes: intFrom(env, "SLOW_CONSUMER_BYTES", 1 << 20, 1024, 1 << 30),
      slowConsumerGraceMs: intFrom(env, "SLOW_CONSUMER_GRACE_MS", 5_000, 0, 600_000),
      maxBufferedBytes: intFrom(env, "MAX_BUFFERED_BYTES", 16 << 20, 1024, 1 << 30),
      maxUploadBytes: intFrom(env, "MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_BYTES >> 20, 1, 100) << 20,
      uploadsInFlight: intFrom(env, "UPLOADS_IN_FLIGHT", 10, 1, 1000),
      uploadsPerHour: intFrom(env, "UPLOADS_PER_HOUR", 300, 1, 1_000_000),
      uploadPartMs: 1000 * intFrom(
        env,
        "UPLOAD_PART_SECONDS",
        partTimeoutMs(UPLOAD_PART_BYTES) / 1000,
        1,
        3600,
      ),
      bodyMs: 1000 *
        intFrom(env, "BODY_SECONDS", Math.ceil(partTimeoutMs(MAX_AVATAR_BYTES) / 1000), 1, 3600),
      unsentBytesBudget: intFrom(
        env,
        "UNSENT_BYTES_BUDGET",
        defaultUnsentBytesBudget(),
        1 << 20,
        Number.MAX_SAFE_INTEGER,
      ),
    },
  };
}

const MIB = 1 << 20;

/**
 * The default `UNSENT_BYTES_BUDGET`: an eighth of the memory available at start, shared by the
 * workers `deno serve --parallel` may start (one per core), between 64 MiB and 1 GiB per
 * worker. Without permission to read the memory figures, 256 MiB.
 */
export function defaultUnsentBytesBudget(): number {
  let available: number;
  try {
    available = Deno.systemMemoryInfo().available;
  } catch {
    return 256 * MIB;
  }
  const workers = Math.max(1, navigator.hardwareConcurrency || 1);
  const share = Math.floor(available / 8 / workers);
  return Math.min(1024 * MIB, Math.max(64 * MIB, share));
}

function publicUrlFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!URL.canParse(raw) || !["http:", "https:"].includes(new URL(raw).protocol)) {
    throw new Error(`PUBLIC_URL must be an http:// or https:// URL, got "${raw}"`);
  }
  return new URL(raw).origin;
}

function brokerFrom(env: Record<string, string | undefined>, redisUrl?: string): BrokerKind {
  const raw = env.BROKER;
  if (raw === undefined || raw === "") {
    if (redisUrl) return "redis";
    return onDenoDeploy(env) ? "kv" : "broadcast";
  }
  const kind = BROKER_KINDS.find((known) => known === raw);
  if (!kind) throw new Error(`BROKER must be one of ${BROKER_KINDS.join(", ")}, got "${raw}"`);
  if (kind === "redis" && !redisUrl) throw new Error("BROKER=redis needs REDIS_URL");
  return kind;
}

/** Shorter tokens are too easy to guess over the network. */
const MIN_METRICS_TOKEN_LENGTH = 16;

function metricsTokenFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH) {
    // The value is a secret, so it is not echoed.
    throw new Error(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  return raw;
}

function logFormatFrom(raw: string | undefined): LogFormat {
  if (raw === undefined || raw === "") return "json";
  const format = LOG_FORMATS.find((known) => known === raw);
  if (!format) throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(", ")}, got "${raw}"`);
  return format;
}

function redisUrlFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!URL.canParse(raw) || !["redis:", "rediss:"].includes(new URL(raw).protocol)) {
    // The value may hold a password, so it is not echoed.
    throw new Error("REDIS_URL must be a redis:// or rediss:// URL");
  }
  return raw;
}

function intFrom(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
