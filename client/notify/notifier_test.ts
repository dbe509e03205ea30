import assert from "node:assert/strict";
import type { ConversationRoom } from "../../lib/common/api_types.ts";
import { createTranslator } from "../../lib/common/i18n/translate.ts";
import { en } from "../../lib/common/i18n/en.ts";
import type { ChatMessage } from "../../lib/common/protocol.ts";
import type { NotifyLevel } from "../../lib/common/notify_level.ts";
import { MemoryStorage } from "../testing/memory_storage.ts";
import {
  type NotificationData,
  type NotificationSource,
  Notifier,
  type NotifyLocks,
} from "./notifier.ts";
import { NotifyLevels } from "./notify_levels.ts";
import { NotifyPrefs } from "./notify_prefs.ts";
import { VIEWING_STALE_MS, ViewingTabs } from "./viewing_tabs.ts";

const ROOMS: Record<string, ConversationRoom> = {
  dm: {
    id: "dm",
    name: "Alice",
    topic: "",
    createdAt: 0,
    kind: "direct",
    peer: { id: "u2", name: "alice", displayName: "Alice", status: "" },
  },
  general: { id: "general", name: "general", topic: "", createdAt: 0, kind: "group" },
};

function message(room: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    room,
    seq,
    id: `m${seq}`,
    from: "u2",
    author: "alice",
    text: `hi ${seq}`,
    at: 0,
    ...extra,
  };
}

/** A registration that keeps shown notifications by tag, as the browser does. */
class FakeRegistration implements NotificationSource {
  readonly shown = new Map<string, { title: string; options: NotificationOptions }>();
  showNotification(title: string, options: NotificationOptions = {}): Promise<void> {
    this.shown.set(options.tag ?? "", { title, options });
    return Promise.resolve();
  }
  getNotifications(filter?: GetNotificationOptions): Promise<Notification[]> {
    const found = [...this.shown].filter(([tag]) => !filter?.tag || tag === filter.tag);
    return Promise.resolve(found.map(([, n]) => ({ data: n.options.data }) as Notification));
  }
}

function setup(
  permission: NotificationPermission = "granted",
  chosen: Record<string, NotifyLevel> = {},
  locks?: NotifyLocks,
) {
  const storage = new MemoryStorage();
  const prefs = new NotifyPrefs(storage, permission);
  const registration = new FakeRegistration();
  let chimes = 0;
  let now = 1000;
  const viewing = new ViewingTabs(storage, () => now);
  const otherTab = new ViewingTabs(storage, () => now);
  const levels = new NotifyLevels({ levels: chosen, version: "" });
  /** A tab's notifier: all share the registration, the switches and the chime count. */
  const tab = (
    viewing: ViewingTabs,
    source: () => Promise<NotificationSource | null> = () => Promise.resolve(registration),
  ) =>
    new Notifier({
      userId: "u1",
      prefs,
      levels,
      viewing,
      conversation: (id) => ROOMS[id],
      authorName: (_id, username) => username === "alice" ? "Alice" : username,
      t: createTranslator("en", en),
      registration: source,
      chime: () => chimes++,
      ...(locks ? { locks } : {}),
    });
  const notifier = tab(viewing);
  return {
    prefs,
    registration,
    notifier,
    anotherTab: (source?: () => Promise<NotificationSource | null>) =>
      tab(new ViewingTabs(storage, () => now), source),
    otherTab,
    chimes: () => chimes,
    advance: (ms: number) => now += ms,
  };
}

Deno.test("Notifier raises nothing until notifications are turned on, and never without permission", async () => {
  const { notifier, prefs } = setup("denied");
  assert.equal(await notifier.take({ message: message("dm", 1), looking: false }), false);
  await prefs.setEnabled(true);
  assert.equal(prefs.enabled.value, false, "refused permission keeps the switch off");
  assert.equal(await notifier.take({ message: message("dm", 2), looking: false }), false);
});

Deno.test("Notifier notifies of every DM and of mentions only in a group room by default", async () => {
  const { notifier, prefs, registration } = setup();
  await prefs.setEnabled(true);
  assert.equal(await notifier.take({ message: message("general", 1), looking: false }), false);
  const mention = message("general", 2, { mentions: ["u1"], text: "@bob look" });
  assert.equal(await notifier.take({ message: mention, looking: false }), true);
  assert.equal(registration.shown.get("room:general")?.title, "Alice in #general");
  assert.equal(await notifier.take({ message: message("dm", 1), looking: false }), true);
  assert.equal(registration.shown.get("room:dm")?.title, "Alice");
  assert.equal(registration.shown.get("room:dm")?.options.body, "hi 1");
});

Deno.test("Notifier says 'New encrypted message' for an encrypted one, and nothing for a key change", async () => {
  const { notifier, prefs, registration } = setup();
  await prefs.setEnabled(true);
  const commit = message("dm", 1, { text: "", e2e: { kind: "commit", data: "AAAA" } });
  assert.equal(await notifier.take({ message: commit, looking: false }), false);
  const secret = message("dm", 2, { text: "", e2e: { kind: "message", data: "AAAA" } });
  assert.equal(await notifier.take({ message: secret, looking: false }), true);
  assert.equal(registration.shown.get("room:dm")?.options.body, "New encrypted message");
});

Deno.test("Notifier skips the conversation shown in a focused tab, this one or another", async () => {
  const { notifier, prefs, otherTab, advance } = setup();
  await prefs.setEnabled(true);
  assert.equal(await notifier.take({ message: message("dm", 1), looking: true }), false);
  otherTab.set("dm");
  assert.equal(await notifier.take({ message: message("dm", 2), looking: false }), false);
  advance(VIEWING_STALE_MS);
  assert.equal(
    await notifier.take({ message: message("dm", 3), looking: false }),
    true,
    "a tab that went away without saying so stops counting",
  );
});

Deno.test("Notifier updates one notification per conversation and chimes only for news", async () => {
  const { notifier, prefs, registration, chimes } = setup();
  await prefs.setEnabled(true);
  prefs.setSound(true);
  await notifier.take({ message: message("dm", 1), looking: false });
  await notifier.take({ message: message("dm", 2), looking: false });
  assert.equal(registration.shown.size, 1);
  const shown = registration.shown.get("room:dm")!;
  assert.equal(shown.options.body, "2 new messages · hi 2");
  assert.equal((shown.options as { renotify?: boolean }).renotify, false);
  assert.deepEqual(shown.options.data as NotificationData, {
    room: "dm",
    url: "/#room=dm",
    seq: 2,
    count: 2,
  });
  assert.equal(chimes(), 2);
  // Another tab of the user already showed this one: no second chime.
  assert.equal(await notifier.take({ message: message("dm", 2), looking: false }), false);
  assert.equal(chimes(), 2);
});

Deno.test("Notifier follows the conversation's level: nothing at none, all messages at all", async () => {
  const { notifier, prefs } = setup("granted", { dm: "none", general: "all" });
  await prefs.setEnabled(true);
  assert.equal(await notifier.take({ message: message("dm", 1), looking: false }), false);
  assert.equal(await notifier.take({ message: message("general", 1), looking: false }), true);
  const system = message("general", 2, { kind: "system", from: "system" });
  assert.equal(await notifier.take({ message: system, looking: false }), false);
});

Deno.test("Notifier counts every message of a batch that arrive together, in one notification", async () => {
  const { notifier, prefs, registration } = setup();
  await prefs.setEnabled(true);
  const shown = await Promise.all(
    [1, 2, 3].map((seq) => notifier.take({ message: message("dm", seq), looking: false })),
  );
  assert.deepEqual(shown, [true, true, true]);
  const notification = registration.shown.get("room:dm")!;
  assert.equal(notification.options.body, "3 new messages · hi 3");
  assert.equal((notification.options.data as NotificationData).count, 3);
});

/**
 * The browser's locks as far as the notifier sees them: one queue per name, shared by every
 * tab, each request run once those before it have settled (as `navigator.locks` grants them).
 */
function browserLocks(): NotifyLocks & { names: Set<string> } {
  const queues = new Map<string, Promise<unknown>>();
  const names = new Set<string>();
  return {
    names,
    request(name, run) {
      names.add(name);
      const taken = (queues.get(name) ?? Promise.resolve()).then(run);
      queues.set(name, taken.catch(() => undefined));
      return taken;
    },
  };
}

Deno.test("Notifier in two tabs of one browser counts each message once and chimes once for each", async () => {
  const locks = browserLocks();
  const { notifier, anotherTab, prefs, registration, chimes } = setup("granted", {}, locks);
  const second = anotherTab();
  await prefs.setEnabled(true);
  prefs.setSound(true);
  // Both tabs get every message of the conversation, at the same moment.
  const taken = await Promise.all(
    [1, 2, 3].flatMap((seq) => {
      const arrival = { message: message("dm", seq), looking: false };
      return [notifier.take(arrival), second.take(arrival)];
    }),
  );
  assert.deepEqual(taken, [true, false, true, false, true, false]);
  assert.equal(chimes(), 3);
  assert.equal(registration.shown.get("room:dm")?.options.body, "3 new messages · hi 3");
  assert.deepEqual([...locks.names], ["chat.notify"]);
});

Deno.test("Notifier in a tab whose service worker never gets ready does not hold up another tab's notifications", async () => {
  const { notifier, anotherTab, prefs, registration } = setup("granted", {}, browserLocks());
  const stuck = anotherTab(() => new Promise<never>(() => {}));
  await prefs.setEnabled(true);
  void stuck.take({ message: message("dm", 1), looking: false });
  assert.equal(await notifier.take({ message: message("dm", 1), looking: false }), true);
  assert.equal(registration.shown.get("room:dm")?.options.body, "hi 1");
});
