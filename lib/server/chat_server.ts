/**
 * Wires one chat node: stores on a Deno KV handle, a broker, the hub, the writer, the
 * heartbeat, presence and the HTTP app. `main.ts` calls it for `deno serve`; tests call it with
 * an in-memory KV and broker.
 *
 * @module
 */
import { Hono } from "hono";
import { except } from "hono/combine";
import { secureHeaders } from "hono/secure-headers";
import { authRoutes } from "../../routes/auth.ts";
import { AVATAR_UPLOAD_PATHS } from "../../routes/avatar_upload.ts";
import { avatarRoutes } from "../../routes/avatars.ts";
import { conversationRoutes } from "../../routes/conversations.ts";
import { pageRoutes } from "../../routes/pages.tsx";
import { dmRoutes } from "../../routes/dms.ts";
import { e2eKeyRoutes } from "../../routes/e2e_keys.ts";
import { AddRequests } from "../devices/add_requests.ts";
import { KeyPackages } from "../devices/key_packages.ts";
import { friendRoutes } from "../../routes/friends.ts";
import { directoryRoutes } from "../../routes/directory.ts";
import { profileRoutes } from "../../routes/profile.ts";
import { joinPageRoutes } from "../../routes/join_page.tsx";
import { linkRoutes, roomAdminRoutes } from "../../routes/room_admin.ts";
import { roomRoutes } from "../../routes/rooms.ts";
import { isSocketRequest, SOCKET_PATH, wsHandler } from "../../routes/ws.ts";
import { UPLOAD_PART_PATH, uploadRoutes } from "../../routes/uploads.ts";
import { fileRoutes } from "../../routes/files.ts";
import { AttachmentResolver } from "../files/attachment_resolver.ts";
import { FileAccess } from "../files/file_access.ts";
import { FileSweeper, releaseAttachments } from "../files/file_sweeper.ts";
import { Uploads } from "../files/uploads.ts";
import { Accounts } from "../accounts/accounts.ts";
import type { AppEnv } from "./app_env.ts";
import { type Assets, loadAssets } from "./assets.ts";
import { AuthService } from "../accounts/auth_service.ts";
import type { Broker } from "../realtime/broker/broker.ts";
import { type Clock, systemClock, systemTimers, type Timers } from "../common/clock.ts";
import type { Config } from "./config.ts";
import { ConnectionLimiter } from "../limits/connection_limiter.ts";
import { Conversations } from "../rooms/conversations.ts";
import { DirectMessages } from "../social/direct_messages.ts";
import { FloodGuard } from "../limits/flood_guard.ts";
import { Friends, type Notify } from "../social/friends.ts";
import { Heartbeat } from "../realtime/heartbeat.ts";
import { Hub } from "../realtime/hub.ts";
import { ReadMarkers } from "../reads/read_markers.ts";
import { ReadReceipts } from "../reads/read_receipts.ts";
import { readSettingRoutes } from "../../routes/read_settings.ts";
import { notifySettingRoutes } from "../../routes/notify_settings.ts";
import { appShellRoutes } from "../../routes/app_shell.ts";
import { NotifySettings } from "../notify/notify_settings.ts";
import { InviteLinks } from "../rooms/invite_links.ts";
import { newId } from "../common/ids.ts";
import { LoginThrottle } from "../limits/login_throttle.ts";
import { KvMessageStore } from "../messages/message_store_kv.ts";
import { MERGE_INTERVAL_MS, SearchMerger } from "../search/search_merger.ts";
import { mentionResolver } from "../messages/mention_resolver.ts";
import { MessageWriter } from "../messages/message_writer.ts";
import { KvPresence } from "../realtime/presence/presence_kv.ts";
import { PresenceTracker } from "../realtime/presence/presence_tracker.ts";
import { PresenceViews } from "../realtime/presence/presence_views.ts";
import { loadSession, readSession } from "./middleware/session.ts";
import { MemberModeration } from "../rooms/member_moderation.ts";
import { roleOf } from "../common/room_roles.ts";
import { RoomDetailsReader } from "../rooms/room_details.ts";
import { RoomEdits } from "../rooms/room_edits.ts";
import { RoomLifecycle } from "../rooms/room_lifecycle.ts";
import { RoomNotices } from "../rooms/room_notices.ts";
import { chooseLocale } from "./middleware/locale.ts";
import { configuredOrigins, isAllowedOrigin } from "./origin.ts";
import { sameOriginWrites } from "./middleware/same_origin_writes.ts";
import { BODY_TIMEOUT, bodyWithin } from "./middleware/body_within.ts";
import { sessionCookiePolicy } from "./session_cookie.ts";
import { Profiles } from "../accounts/profiles.ts";
import { RoomAvatars } from "../rooms/room_avatars.ts";
import { backfillPublicRooms } from "../rooms/public_rooms.ts";
import { startAuthorFilesBackfill } from "../messages/author_files.ts";
import { systemMessages } from "../messages/room_events.ts";
import { readRooms, Rooms } from "../rooms/rooms.ts";
import { SendBudget } from "../realtime/send_budget.ts";
import type { Services } from "./services.ts";
import { Sessions } from "../accounts/sessions.ts";
import {
  backfillUserDirectory,
  DIRECTORY_SEARCH_BURST,
  DIRECTORY_SEARCH_RATE,
  UserDirectory,
} from "../social/user_directory.ts";
import { TokenBuckets } from "../limits/token_bucket.ts";
import {
  MESSAGE_SEARCH_BURST,
  MESSAGE_SEARCH_RATE,
  MessageSearch,
} from "../search/message_search.ts";
import { searchRoutes } from "../../routes/search.ts";
import { WindowCounter } from "../limits/window_counter.ts";
import { refusal } from "../common/refusal.ts";
import { refusalResponse } from "./refusal_response.ts";
import { adminRoutes } from "../../routes/admin.tsx";
import { accountRoutes } from "../../routes/account.ts";
import { reportRoutes } from "../../routes/reports.ts";
import { AccountDeletion } from "../accounts/account_deletion.ts";
import { exportAccount } from "../accounts/account_export.ts";
import { AdminRooms } from "../admin/admin_rooms.ts";
import { Reports } from "../admin/reports.ts";
import { UserAdmin } from "../admin/user_admin.ts";
import { requestId } from "hono/request-id";
import { opsRoutes } from "../../routes/ops.ts";
import { DrainGate } from "../realtime/drain_gate.ts";
import { CLOSE_SERVICE_RESTART } from "../common/protocol.ts";
import { HealthCheck } from "./health.ts";
import { createLogger, type Logger } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { logRequest, requestLog } from "./middleware/request_log.ts";
import { CallService } from "../calls/call_service.ts";
import { callRoutes } from "../../routes/calls.ts";

/** What {@linkcode createChatServer} needs. */
export interface ChatServerOptions {
  config: Config;
  kv: Deno.Kv;
  broker: Broker;
  clock?: Clock;
  /**
   * One-shot timers (the ring timeout of calls, the presence offline delay); the real ones by
   * default.
   */
  timers?: Timers;
  assets?: Assets;
  /** Where log lines go; by default the console, in `config.logFormat`. */
  log?: Logger;
  /**
   * How many workers this process has (`deno serve --parallel`), this one included: a scrape
   * of `/metrics` then sums them all. Absent: this node's metrics alone.
   */
  workers?: () => number;
}

/** A wired chat node. */
export interface ChatServer {
  /** The HTTP handler, for `Deno.serve` or `deno serve`. */
  fetch: (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  /** Id of this node (one per worker or process). */
  nodeId: string;
  hub: Hub;
  writer: MessageWriter;
  /** Deletes unused files: hourly, and after a room is deleted. */
  fileSweeper: FileSweeper;
  /** Deletes accounts, and finishes deletions a crash cut off: at start and every 10 minutes. */
  accountDeletion: AccountDeletion;
  /** This node's metrics (also served at `GET /metrics`). */
  metrics: Metrics;
  /** The node's log. */
  log: Logger;
  /**
   * Graceful stop, for SIGTERM: refuses new sockets (503) and fails `/healthz`, stops taking
   * frames, waits for those being handled and flushes the writer (so everything accepted is
   * stored and acked), closes every socket with {@linkcode CLOSE_SERVICE_RESTART} and waits
   * for the close handshakes (at most {@linkcode SOCKET_CLOSE_TIMEOUT_MS}), then `close()`.
   */
  shutdown(): Promise<void>;
  /** Stops timers and the broker and waits for pending writes. Does not close the KV. */
  close(): Promise<void>;
}

/** How long {@linkcode ChatServer.shutdown} waits for clients to answer the close. */
export const SOCKET_CLOSE_TIMEOUT_MS = 3_000;

/** Call invites per user: one every 6 s on average (the call bench paces itself by it). */
export const CALL_INVITE_RATE = 1 / 6;
/** Call invites a user may place at once before {@linkcode CALL_INVITE_RATE} applies (a redial, a wrong button). */
export const CALL_INVITE_BURST = 5;

/** Largest request body accepted by the HTTP routes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Builds a chat node from its parts. */
export async function createChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const { config, kv, broker } = options;
  const clock = options.clock ?? systemClock;
  const nodeId = newId().slice(0, 8);
  const log = options.log ?? createLogger(config.logFormat);
  // Read at each scrape, after the hub below exists.
  const metrics: Metrics = new Metrics((): number => hub.peerCount);
  if (options.workers) metrics.sumWorkers(options.workers);
  const drain = new DrainGate();
  await backfillPublicRooms(kv, clock);
  // In the background: the node serves while it lists; an account deletion waits for it.
  const authorFilesListed = startAuthorFilesBackfill(kv, clock, (error) => {
    console.error("chat server: listing the messages with files under their authors failed", error);
  });
  const store = new KvMessageStore(kv, clock, {
    // A deleted message's attachments: drop its file_refs now (the sweeper would find them
    // stale anyway, so a failure here only delays freeing the bytes).
    releaseDeleted: (messages) => {
      for (const message of messages) {
        if (!message.attachments?.length) continue;
        releaseAttachments(kv, message).catch((error) => {
          console.error("chat server: releasing attachments failed", error);
        });
      }
    },
  });
  const hub = new Hub(store, { metrics });
  hub.start();
  const unsubscribe = broker.subscribe((event, fromThisNode) => {
    if (event.kind === "messages" && event.sentAt !== undefined) {
      metrics.brokerLag(clock.now() - event.sentAt, fromThisNode ? "this_node" : "other_node");
    }
    hub.handle(event, fromThisNode);
  });
  const writer = new MessageWriter(store, (room, messages, activityFor) => {
    const sentAt = clock.now();
    broker.publish(
      activityFor
        ? { kind: "messages", room, messages, sentAt, activityFor }
        : { kind: "messages", room, messages, sentAt },
    );
  }, { lingerMs: config.commitLingerMs, observeCommit: (ms) => metrics.commitTook(ms) });
  const accounts = new Accounts(kv, clock);
  const sessions = new Sessions(kv, clock, config.sessionTtlMs);
  const profiles = new Profiles(kv, accounts);
  const notify: Notify = (users, event) => broker.publish({ kind: "user_event", users, event });
  const keyPackages = new KeyPackages(kv, clock, new WindowCounter(kv, clock, 3_600_000));
  await backfillUserDirectory(kv, profiles, clock);
  const presence = new KvPresence(kv, clock);
  const presenceViews = new PresenceViews(presence, (users) => profiles.lastSeenHidden(users));
  const friends = new Friends(kv, clock, accounts, profiles, notify, presenceViews);
  const presenceTracker = new PresenceTracker({
    presence,
    nodeId,
    refreshMs: config.heartbeatMs,
    timers: options.timers,
    onChange: (user, status, known) => friends.announcePresence(user, status, known),
    alone: () => broker.alone?.() ?? false,
  });
  presenceTracker.start();
  const markers = new ReadMarkers(kv);
  const receipts = new ReadReceipts(kv, store);
  const directMessages = new DirectMessages(kv, clock, accounts, profiles, notify);
  const postSystemMessage = systemMessages(writer);
  const notices = new RoomNotices(kv, accounts, broker, notify, postSystemMessage);
  const rooms = new Rooms(kv, clock, (room) => notices.discoverChanged(null, room));
  const roomEdits = new RoomEdits(kv, notices);
  const { limits } = config;
  const readPostingRefusal = async (room: string, userId: string) => {
    const membership = await rooms.membership(room, userId);
    if (!membership) return "not_member" as const;
    if (!await directMessages.canPost(room, userId)) return "not_friends" as const;
    return membership.muted ? "muted" as const : undefined;
  };
  const calls = new CallService({
    kv,
    clock,
    timers: options.timers ?? systemTimers,
    broker,
    postSystemMessage,
    readPostingRefusal,
    readMembers: async (room) => (await readRooms(kv, [room]))[0]?.members,
    readBlocks: (userId) => friends.blockedBy(userId),
    inviteLimiter: new TokenBuckets(clock, CALL_INVITE_RATE, CALL_INVITE_BURST),
    maxParticipants: config.calls.maxParticipants,
    reconnectGraceMs: config.calls.reconnectGraceMs,
    sweepMs: config.calls.sweepMs,
  });
  const uploads = new Uploads(kv, clock, {
    maxBytes: limits.maxUploadBytes,
    inFlight: limits.uploadsInFlight,
    perHour: limits.uploadsPerHour,
  }, new WindowCounter(kv, clock, 3_600_000));
  const fileSweeper = new FileSweeper(kv, clock, uploads);
  fileSweeper.start();
  const searchMerger = new SearchMerger(kv);
  searchMerger.start(MERGE_INTERVAL_MS, () => clock.now());
  const throttle = new LoginThrottle(kv, clock, {
    perUser: limits.loginFailuresPerUser,
    perAddress: limits.loginFailuresPerAddress,
  });
  const auth = new AuthService(accounts, sessions, throttle, broker);
  const roomLifecycle = new RoomLifecycle(kv, notices, () => fileSweeper.requestSweep());
  const memberModeration = new MemberModeration(kv, clock, accounts, notices);
  const userAdmin = new UserAdmin(kv, accounts, auth);
  const inviteLinks = new InviteLinks(kv, clock, postSystemMessage);
  const accountDeletion = new AccountDeletion({
    kv,
    accounts,
    auth,
    profiles,
    friends,
    store,
    writer,
    lifecycle: roomLifecycle,
    moderation: memberModeration,
    inviteLinks,
    authorFilesListed,
    uploads,
    sweeper: fileSweeper,
    rooms,
    keyPackages,
    notify,
    throttle,
  });
  accountDeletion.start();
  const services: Services = {
    config,
    auth,
    rooms,
    profiles,
    friends,
    directory: new UserDirectory(
      kv,
      profiles,
      new TokenBuckets(clock, DIRECTORY_SEARCH_RATE, DIRECTORY_SEARCH_BURST),
    ),
    directMessages,
    keyPackages,
    addRequests: new AddRequests(keyPackages, new WindowCounter(kv, clock, 3_600_000), notify),
    roomDetails: new RoomDetailsReader(kv, profiles, presenceViews),
    memberModeration,
    roomEdits,
    roomLifecycle,
    inviteLinks,
    roomAvatars: new RoomAvatars(kv, roomEdits),
    postSystemMessage,
    conversations: new Conversations(kv, store, profiles, markers),
    receipts,
    notifySettings: new NotifySettings(kv, notify),
    broker,
    assets: options.assets ?? await loadAssets(),
    connection: {
      hub,
      writer,
      store,
      rooms,
      clock,
      nodeId,
      heartbeatMs: config.heartbeatMs,
      sendLimiter: new TokenBuckets(clock, limits.sendRatePerSecond, limits.sendBurst),
      floodGuard: new FloodGuard(clock, limits.sameTextMax),
      broker,
      // One membership read answers member and muted; direct rooms also need a friendship.
      readRole: async (room, userId) => {
        const [membership, record] = await Promise.all([
          rooms.membership(room, userId),
          readRooms(kv, [room]),
        ]);
        return roleOf(membership, record[0]?.createdBy === userId);
      },
      readPostingRefusal,
      readEncrypted: async (room) => (await readRooms(kv, [room]))[0]?.encrypted === true,
      resolveMentions: mentionResolver(kv),
      presence: presenceTracker,
      attachments: new AttachmentResolver(kv, clock, config.recordings),
      markers,
      receipts,
      readBlocks: (userId) => friends.blockedBy(userId),
      metrics,
      drain,
      calls,
    },
    connectionLimiter: new ConnectionLimiter(
      limits.connectionsPerUser,
      limits.connectionsPerAddress,
    ),
    roomCreations: new WindowCounter(kv, clock, 3_600_000),
    uploads,
    fileAccess: new FileAccess(kv, rooms),
    fileSweeper,
    sendBudget: new SendBudget(limits.unsentBytesBudget),
    friendRequests: new WindowCounter(kv, clock, 3_600_000),
    userAdmin,
    adminRooms: new AdminRooms(kv, roomLifecycle),
    reports: new Reports({
      kv,
      clock,
      accounts,
      rooms,
      store,
      writer,
      users: userAdmin,
      counter: new WindowCounter(kv, clock, 3_600_000),
    }),
    accountExport: (userId) =>
      exportAccount({ kv, accounts, profiles, friends, store, now: clock.now() }, userId),
    accountDeletion,
    messageSearch: new MessageSearch(
      kv,
      accounts,
      profiles,
      new TokenBuckets(clock, MESSAGE_SEARCH_RATE, MESSAGE_SEARCH_BURST),
    ),
    health: new HealthCheck(kv, broker, () => drain.closing),
    metrics,
  };
  const heartbeat = new Heartbeat(() => hub.peers, clock, config.heartbeatMs);
  heartbeat.start();

  const cookiePolicy = sessionCookiePolicy(config);
  const session = loadSession(sessions, cookiePolicy);
  // `GET /ws` has an app of its own with one route and no middlewares: the handler logs the
  // request, reads the session and checks the Origin itself. An upgrade response must stay
  // untouched (no headers), and the main app's routing and middlewares were a tenth of a
  // connect's JavaScript time (`deno task bench --only storm --profile`).
  const socketApp = new Hono<AppEnv>();
  socketApp.get(
    SOCKET_PATH,
    wsHandler(services, {
      // With the friend digest: "came online" reaches the user's friends with no read of its own.
      readSession: (c, beforeMarks) => readSession(c, sessions, cookiePolicy, true, beforeMarks),
      logRequest: (c, response, start) => logRequest(log, metrics, c, response, start),
    }),
  );

  const app = new Hono<AppEnv>();
  app.use(requestLog(log, metrics));
  app.use(requestId());
  // Probes and scrapers carry no session: no cookie parsing, no KV read beyond the probe's.
  app.route("/", opsRoutes(services));
  app.use(session);
  // Only the HTML pages are in a language; the API skips the profile read.
  app.use(except(["/api/*", "/static/*"], chooseLocale((id) => profiles.locale(id))));
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "blob:"],
      // A recorded video message is previewed from a blob: URL before it is sent.
      mediaSrc: ["'self'", "blob:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
  }));
  const origins = configuredOrigins(config);
  app.use(sameOriginWrites((origin, url) => isAllowedOrigin(origin, url, origins)));
  // Avatar uploads and upload parts have their own, larger limits (`MAX_AVATAR_BYTES`,
  // routes/avatar_upload.ts; routes/uploads.ts), and deadlines.
  app.use(except(
    [...AVATAR_UPLOAD_PATHS, UPLOAD_PART_PATH],
    bodyWithin({
      maxBytes: MAX_BODY_BYTES,
      ms: config.limits.bodyMs,
      tooLarge: refusal(413, "refusal.bodyTooLarge", { max: String(MAX_BODY_BYTES) }),
      late: BODY_TIMEOUT,
    }),
  ));
  app.get("/static/:file", (c) => services.assets.serve(c, c.req.param("file")));
  app.route("/", appShellRoutes(services));
  app.route("/api", authRoutes(services));
  app.route("/api/me/receipts", readSettingRoutes(services));
  app.route("/api/calls", callRoutes(services, calls, clock));
  app.route("/api/me/account", accountRoutes(services));
  app.route("/api/reports", reportRoutes(services));
  app.route("/api/me/notifications", notifySettingRoutes(services));
  app.route("/api", profileRoutes(services));
  app.route("/api/avatars", avatarRoutes(services));
  app.route("/api/friends", friendRoutes(services));
  app.route("/api/directory", directoryRoutes(services));
  app.route("/api/search", searchRoutes(services));
  app.route("/api/dms", dmRoutes(services));
  app.route("/api/e2e", e2eKeyRoutes(services));
  app.route("/api/conversations", conversationRoutes(services));
  app.route("/api/rooms", roomRoutes(services));
  app.route("/api/rooms", roomAdminRoutes(services));
  app.route("/api/links", linkRoutes(services));
  app.route("/api/uploads", uploadRoutes(services));
  app.route("/api/files", fileRoutes(services));
  app.route("/join", joinPageRoutes(services));
  app.route("/admin", adminRoutes(services));
  app.route("/", pageRoutes(services));
  app.notFound((c) => refusalResponse(c, refusal(404, "refusal.notFound")));

  const close = async () => {
    heartbeat.stop();
    calls.close();
    await fileSweeper.stop();
    await accountDeletion.stop();
    await authorFilesListed().catch(() => {});
    await searchMerger.stop();
    // Its folds are an optimization: a failure must not skip the rest of the shutdown.
    await searchMerger.compactWritten().catch((error) => {
      console.error("chat server: folding search blocks failed", error);
    });
    hub.close();
    await presenceTracker.close();
    unsubscribe();
    await writer.flush();
    await broker.close();
    metrics.close();
  };
  return {
    fetch: (request, info) =>
      isSocketRequest(request) ? socketApp.fetch(request, info) : app.fetch(request, info),
    nodeId,
    hub,
    writer,
    fileSweeper,
    accountDeletion,
    metrics,
    log,
    async shutdown() {
      const started = performance.now();
      const sockets = hub.peerCount;
      log.info("shutdown started", { node: nodeId, sockets });
      await drain.close();
      // Each ack is sent in a callback that runs before the flush resolves: every write the
      // gate let in is acked before its socket gets the close frame.
      await writer.flush();
      await hub.closeAll(CLOSE_SERVICE_RESTART, "server restarting", SOCKET_CLOSE_TIMEOUT_MS);
      await close();
      log.info("shutdown finished", {
        node: nodeId,
        sockets,
        unclosed: hub.peerCount,
        ms: Math.round(performance.now() - started),
      });
    },
    close,
  };
}
