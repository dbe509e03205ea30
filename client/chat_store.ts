/**
 * The chat island's state in one place: the conversations the user is in (the single source
 * of "my rooms" and "my DMs"), the selected one, Discover, friends, the own profile and the
 * view's flags, with a method for every change the island makes.
 *
 * @module
 */
import { batch, computed, type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type {
  Conversation,
  ConversationPage,
  DirectRoom,
  DiscoverPage,
  FriendLists,
  PublicProfile,
  RoomSummary,
} from "../lib/common/api_types.ts";
import { listConversations } from "./conversations_api.ts";
import { listFriends, openDm } from "./friends_api.ts";
import type { NewRoomKind } from "./room_calls_api.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";
import { shownTextOf } from "./error_text.ts";
import { RoomMembers } from "./room_members.ts";
import { roomDetails } from "./room_details_api.ts";
import { MessageActionsState } from "./message_actions_state.ts";

/**
 * What the page brought: the island's props. Only first pages: a user in thousands of
 * conversations gets the page as fast as one in ten (issue 18 item 5).
 */
export interface ChatStoreInit {
  /** The first Discover page. */
  discover: DiscoverPage;
  /** The first page of the conversation list. */
  conversations: ConversationPage;
  /** The user's own profile; its id is the user's. */
  profile: PublicProfile;
  /** Friends and requests. */
  friends: FriendLists;
}

/** The HTTP calls the store makes; the browser modules by default, fakes in tests. */
export interface ChatStoreApi {
  /** `GET /api/conversations`. */
  listConversations(cursor?: string): Promise<ConversationPage>;
  /** `GET /api/rooms/discover`. */
  discoverRooms(cursor?: string): Promise<DiscoverPage>;
  /** `POST /api/rooms`. */
  createRoom(
    name: string,
    topic: string | undefined,
    kind: NewRoomKind,
  ): Promise<RoomSummary>;
  /** `POST /api/rooms/:id/join`. */
  joinRoom(id: string): Promise<RoomSummary>;
  /** `POST /api/rooms/:id/leave`. */
  leaveRoom(id: string): Promise<void>;
  /** `POST /api/dms`. */
  openDm(username: string, encrypted?: boolean): Promise<DirectRoom>;
  /** `GET /api/friends`. */
  listFriends(): Promise<FriendLists>;
}

/** Options of {@linkcode ChatStore}. */
export interface ChatStoreOptions {
  /** HTTP calls; the real ones by default. */
  api?: ChatStoreApi;
  /** Milliseconds since the epoch, for the activity of a conversation added live. */
  now?: () => number;
  /** Unread messages of a conversation (a signal read); absent: none. */
  unreadOf?: (id: string) => number;
}

/** The room the main pane shows; `peer` for a direct conversation. */
export interface ShownRoom {
  /** The room; for a DM, the peer's display name, status and avatar as name, topic, picture. */
  room: RoomSummary;
  /** The other member of a direct conversation. */
  peer?: PublicProfile;
}

/**
 * One conversation the user is in. `listed` says whether the sidebar lists it: its page was
 * loaded, or it became active while the page was open. The others were looked up because a
 * link named them (`GET /api/conversations/:id`): shown, not listed.
 */
interface Entry {
  conversation: Conversation;
  listed: boolean;
}

/** The rooms' calls, loaded with the first one (the page opens without them). */
const roomCalls = () => import("./room_calls_api.ts");

const defaultApi: ChatStoreApi = {
  listConversations: (cursor) => listConversations(cursor),
  discoverRooms: async (cursor) => (await roomCalls()).discoverRooms(cursor),
  createRoom: async (name, topic, kind) => (await roomCalls()).createRoom(name, topic, kind),
  joinRoom: async (id) => (await roomCalls()).joinRoom(id),
  leaveRoom: async (id) => (await roomCalls()).leaveRoom(id),
  openDm,
  listFriends,
};

/**
 * The chat island's state. Every conversation the user is in is held once; the listed
 * conversations, the joined group rooms, the DMs and the shown room are computed from it.
 *
 * Create it inside a component (never at module level: server module state is shared by every
 * request). Components read its signals; the island calls its methods. The methods that call
 * the API report a failure in {@linkcode ChatStore.sidebarError} or
 * {@linkcode ChatStore.roomError}.
 *
 * @example
 * ```ts
 * const store = new ChatStore(props);
 * store.select("r1");
 * store.shown.value?.room.name;
 * ```
 */
export class ChatStore {
  readonly #entries: Signal<ReadonlyMap<string, Entry>>;
  readonly #api: ChatStoreApi;
  readonly #now: () => number;
  readonly #userId: string;
  /** Rooms the user is not in (any more): a link naming one is not looked up. */
  readonly #missing = signal<ReadonlySet<string>>(new Set());
  /** The latest friend lists' read: an answer of another is overtaken. */
  #friendsRead: Promise<FriendLists> | undefined;
  /**
   * The live changes taken since the latest {@linkcode ChatStore.refresh} read began, in
   * order, to apply again over its answer; undefined while none is in flight. Its identity
   * tells that refresh from those it overtook.
   */
  #sinceRead: (() => void)[] | undefined;

  /** The own profile. */
  readonly profile: Signal<PublicProfile>;
  /** Friends and requests. */
  readonly friends: Signal<FriendLists>;
  /** Public rooms to join: the pages loaded so far. */
  readonly discover = signal<readonly RoomSummary[]>([]);
  /** Cursor of the next Discover page; undefined on the last. */
  readonly discoverCursor = signal<string | undefined>(undefined);
  /** Cursor of the next conversation page; undefined on the last. */
  readonly conversationsCursor = signal<string | undefined>(undefined);
  /** Id of the room the link (`location.hash`) names, if any. */
  readonly selectedId = signal<string | null>(null);
  /** A conversation page is loading. */
  readonly loadingMore = signal(false);
  /** A Discover page is loading. */
  readonly loadingDiscover = signal(false);
  /** Id of the room being joined from Discover. */
  readonly joining = signal<string | null>(null);
  /** Why the last sidebar action (join, open a DM, load a page, refresh) failed. */
  readonly sidebarError = signal<ShownText | null>(null);
  /** Why leaving the shown room failed. */
  readonly roomError = signal<ShownText | null>(null);
  /** The sidebar is open as a drawer (narrow screens). */
  readonly menuOpen = signal(false);
  /** The profile editor is open. */
  readonly editingProfile = signal(false);
  /** The shown room's settings dialog is open. */
  readonly settingsOpen = signal(false);
  /** The members panel is open beside a group room (it stays open from room to room). */
  readonly membersOpen = signal(false);
  /** The New room dialog is open. */
  readonly newRoomOpen = signal(false);
  /** The message search is open: over every conversation, or starting in `room`. */
  readonly searchOpen = signal<{ room?: string } | null>(null);
  /** Members of the rooms opened, for mentions (completion and highlighting). */
  readonly members = new RoomMembers(roomDetails);
  /** Reply, inline edit and jump targets of the message actions. */
  readonly messageActions = new MessageActionsState();
  /** Whose profile card is open (from an author's name, a member list or a search). */
  readonly profileCard = signal<PublicProfile | null>(null);

  /** Conversations the sidebar lists, in no particular order (the list sorts them). */
  readonly conversations: ReadonlySignal<readonly Conversation[]>;
  /** The group rooms of the conversations loaded (listed or shown), newest first. */
  readonly joined: ReadonlySignal<readonly RoomSummary[]>;
  /** The direct conversations loaded (listed or shown). */
  readonly dms: ReadonlySignal<readonly DirectRoom[]>;
  /**
   * The room the main pane shows: the selected one, else the newest loaded group room, else
   * the newest loaded DM, else none. None, too, while {@linkcode ChatStore.unknownSelected}
   * is looked up.
   */
  readonly shown: ReadonlySignal<ShownRoom | null>;
  /** Id of {@linkcode ChatStore.shown}'s room, changing only when another room is shown. */
  readonly shownId: ReadonlySignal<string | null>;
  /** Unread messages over every listed conversation: the title, favicon and ☰ badge. */
  readonly unreadTotal: ReadonlySignal<number>;
  /**
   * The selected room when no loaded conversation holds it and it is not known to be one the
   * user is not in: a link to an old conversation, to look up (`client/conversation_lookup.ts`).
   */
  readonly unknownSelected: ReadonlySignal<string | null>;

  /**
   * @param init The island's props.
   * @param options Fakes for tests.
   */
  constructor(init: ChatStoreInit, options: ChatStoreOptions = {}) {
    this.#api = options.api ?? defaultApi;
    this.#now = options.now ?? Date.now;
    this.#userId = init.profile.id;
    this.profile = signal(init.profile);
    this.friends = signal(init.friends);
    this.#entries = signal(entriesOf(init.conversations));
    this.#setLists(init.discover, init.conversations);
    const entries = computed(() => [...this.#entries.value.values()]);
    this.conversations = computed(() =>
      entries.value.filter((entry) => entry.listed).map((entry) => entry.conversation)
    );
    this.joined = computed(() =>
      entries.value.flatMap(({ conversation: { room } }) => room.kind === "group" ? [room] : [])
        .sort((a, b) => b.createdAt - a.createdAt)
    );
    this.dms = computed(() =>
      entries.value.flatMap(({ conversation: { room } }) =>
        room.kind === "direct" ? [{ id: room.id, peer: room.peer, createdAt: room.createdAt }] : []
      )
    );
    this.unknownSelected = computed(() => {
      const id = this.selectedId.value;
      return id === null || this.#entries.value.has(id) || this.#missing.value.has(id) ? null : id;
    });
    this.shown = computed(() => {
      if (this.unknownSelected.value !== null) return null;
      const id = this.selectedId.value;
      const room = id === null ? undefined : this.#entries.value.get(id)?.conversation.room;
      if (room?.kind === "direct") return { room: peerRoom(room), peer: room.peer };
      // With none selected (or after leaving the shown room): the first group room, else the
      // newest DM, so "no conversations" is never shown while the user has one.
      const group = room ?? this.joined.value[0];
      if (group) return { room: group };
      const dm = this.dms.value.toSorted((a, b) => b.createdAt - a.createdAt)[0];
      return dm ? { room: peerRoom(dm), peer: dm.peer } : null;
    });
    this.shownId = computed(() => this.shown.value?.room.id ?? null);
    const unreadOf = options.unreadOf ?? (() => 0);
    this.unreadTotal = computed(() =>
      this.conversations.value.reduce((sum, c) => sum + unreadOf(c.room.id), 0)
    );
  }

  /**
   * Takes a conversation a link named that no loaded page holds (`client/conversation_lookup.ts`
   * found it): shown, not listed.
   */
  conversationFound(conversation: Conversation): void {
    const id = conversation.room.id;
    if (this.#entries.peek().has(id)) return;
    this.#entries.value = new Map(this.#entries.peek()).set(id, { conversation, listed: false });
  }

  /** Shows a room the user picked in the sidebar, and closes the drawer. */
  select(id: string): void {
    batch(() => {
      this.selectedId.value = id;
      this.menuOpen.value = false;
    });
  }

  /** Forgets what was shown in the previous room: its settings panel and its error. */
  shownRoomChanged(): void {
    batch(() => {
      this.roomError.value = null;
      this.settingsOpen.value = false;
    });
  }

  /**
   * Takes a group room the user joined, created or was added to, or a listed room's new name,
   * topic or picture: listed at the top when not listed yet, gone from Discover.
   */
  roomJoined(room: RoomSummary): void {
    this.#live(() => {
      // The room replaces the old one: a removed picture must not linger.
      this.#upsert(room.id, { ...room, kind: "group" });
      this.discover.value = this.discover.value.filter((item) => item.id !== room.id);
    });
  }

  // told: being told what happened (issue 12 item 7).
  /** Whether and by whom the user is muted in a room; null when not (or not known). */
  mutedIn(id: string): { by: string } | null {
    return this.#entries.value.get(id)?.conversation.muted ?? null;
  }

  /** Takes a mute (`by` names who did it) or, with null, an unmute of the user in a room. */
  mutedChanged(id: string, muted: { by: string } | null): void {
    this.#live(() => {
      const entry = this.#entries.value.get(id);
      if (!entry) return;
      const conversation = { ...entry.conversation };
      if (muted) conversation.muted = muted;
      else delete conversation.muted;
      this.#entries.value = new Map(this.#entries.value).set(id, { ...entry, conversation });
    });
  }

  /**
   * Takes a live Discover change: a public room created or changed (`room`) is listed first,
   * unless the user is in it; `room` null takes it off the list.
   */
  discoverChanged(id: string, room: RoomSummary | null): void {
    this.#live(() => {
      const rest = this.discover.value.filter((item) => item.id !== id);
      this.discover.value = room && !this.#entries.value.has(id) ? [room, ...rest] : rest;
    });
  }

  /** Takes a direct conversation opened by either member: listed at the top when not yet. */
  dmOpened(dm: DirectRoom): void {
    this.#live(() => this.#upsert(dm.id, directRoom(dm)));
  }

  /** Drops a room the user left, and selects none (the first loaded room is shown). */
  roomLeft(id: string): void {
    batch(() => {
      this.roomRemoved(id);
      this.selectedId.value = null;
    });
  }

  /**
   * Drops a room the user is not (or no longer) in: kicked, banned, deleted, left in another
   * tab, or a link to a room they were never in. When it was shown, the first loaded room is,
   * and a link to it is not looked up again.
   */
  roomRemoved(id: string): void {
    this.#live(() => {
      const entries = new Map(this.#entries.value);
      entries.delete(id);
      this.#entries.value = entries;
      this.#missing.value = new Set(this.#missing.value).add(id);
    });
  }

  /** Takes a changed profile: the own one, or a DM peer's. */
  profileChanged(profile: PublicProfile): void {
    this.#live(() => {
      if (profile.id === this.#userId) this.profile.value = profile;
      const entries = new Map(this.#entries.value);
      for (const [id, entry] of entries) {
        const room = entry.conversation.room;
        if (room.kind !== "direct" || room.peer.id !== profile.id) continue;
        // The room as it was (a secret chat stays one: its key reader follows only encrypted
        // rooms), with the peer's new profile.
        const changed = directRoom({ ...room, peer: profile });
        entries.set(id, { ...entry, conversation: { ...entry.conversation, room: changed } });
      }
      this.#entries.value = entries;
    });
  }

  /**
   * Starts over from fresh lists (after a reconnect, or when a room was removed): the listed
   * conversations and Discover are replaced; conversations a link named stay (a removal drops
   * them first: {@linkcode ChatStore.roomRemoved}).
   */
  replaceLists(discover: DiscoverPage, page: ConversationPage): void {
    batch(() => {
      const entries = entriesOf(page);
      for (const [id, entry] of this.#entries.peek()) {
        if (!entry.listed && !entries.has(id)) entries.set(id, entry);
      }
      this.#entries.value = entries;
      this.#setLists(discover, page);
    });
  }

  /** Lists the conversations of the next page that are not listed yet. */
  addConversationPage(page: ConversationPage): void {
    batch(() => {
      const entries = new Map(this.#entries.value);
      for (const conversation of page.conversations) {
        if (entries.get(conversation.room.id)?.listed) continue;
        entries.set(conversation.room.id, { conversation, listed: true });
      }
      this.#entries.value = entries;
      this.conversationsCursor.value = page.nextCursor;
    });
  }

  /** Adds the rooms of the next Discover page that are neither joined nor listed yet. */
  addDiscoverPage(page: DiscoverPage): void {
    batch(() => {
      const known = new Set([...this.joined.value, ...this.discover.value].map((room) => room.id));
      const fresh = page.rooms.filter((room) => !known.has(room.id));
      this.discover.value = [...this.discover.value, ...fresh];
      this.discoverCursor.value = page.nextCursor;
    });
  }

  /**
   * Reads the room lists again; an answer overtaken by a later refresh is dropped. The answer
   * may be older than a live change taken while it was read (a `room_joined`, `dm_opened`,
   * `room_removed`, mute, rename or profile event, or the user's own join): every such change
   * is applied again over it, in the order taken, so the newer state stays. A change taken
   * before the read began is not (the answer is newer than it).
   */
  async refresh(): Promise<void> {
    const sinceRead: (() => void)[] = this.#sinceRead = [];
    try {
      const [discover, page] = await Promise.all([
        this.#api.discoverRooms(),
        this.#api.listConversations(),
      ]);
      if (sinceRead !== this.#sinceRead) return;
      this.#sinceRead = undefined;
      this.replaceLists(discover, page);
      // Each change reads the entries as they are then, so it lands on the answer.
      for (const change of sinceRead) change();
    } catch (error) {
      // The changes taken meanwhile are kept until the next refresh (a reconnect reads again).
      this.sidebarError.value = shownTextOf(error);
    }
  }

  /**
   * Reads the friend lists again; a failure keeps them (the next notice reads them again). An
   * answer overtaken by a later refresh is dropped: a `friend_request` notice and the
   * `friends_changed` of its acceptance each read the lists, and the first answer may come in
   * last, with the request still pending and no friend.
   */
  async refreshFriends(): Promise<void> {
    const read = this.#friendsRead = this.#api.listFriends();
    try {
      const lists = await read;
      if (read === this.#friendsRead) this.friends.value = lists;
    } catch {
      // Kept as is; the next notice or reconnect refreshes again.
    }
  }

  /** Loads the next conversation page, unless one is loading or none is left. */
  async loadMoreConversations(): Promise<void> {
    const cursor = this.conversationsCursor.peek();
    if (cursor === undefined || this.loadingMore.peek()) return;
    await this.#loading(this.loadingMore, async () => {
      this.addConversationPage(await this.#api.listConversations(cursor));
    });
  }

  /** Loads the next Discover page, unless one is loading or none is left. */
  async loadMoreDiscover(): Promise<void> {
    const cursor = this.discoverCursor.peek();
    if (cursor === undefined || this.loadingDiscover.peek()) return;
    await this.#loading(this.loadingDiscover, async () => {
      this.addDiscoverPage(await this.#api.discoverRooms(cursor));
    });
  }

  /**
   * Creates a room and selects it.
   *
   * @returns The room, to put in the link.
   * @throws {ApiRequestError} When the server refuses (the form shows why).
   */
  async createRoom(
    name: string,
    topic: string,
    kind: NewRoomKind,
  ): Promise<RoomSummary> {
    const room = await this.#api.createRoom(name, topic || undefined, kind);
    this.#show(room);
    return room;
  }

  /**
   * Joins a room from Discover and selects it.
   *
   * @returns The room, or null when the server refused (see `sidebarError`).
   */
  async joinRoom(id: string): Promise<RoomSummary | null> {
    this.joining.value = id;
    this.sidebarError.value = null;
    try {
      const room = await this.#api.joinRoom(id);
      this.#show(room);
      return room;
    } catch (error) {
      this.sidebarError.value = shownTextOf(error);
      return null;
    } finally {
      this.joining.value = null;
    }
  }

  /**
   * Opens the direct conversation with a friend (with `encrypted`, the secret chat) and
   * selects it.
   *
   * @returns The conversation, or null when the server refused (see `sidebarError`).
   */
  async messageFriend(friend: PublicProfile, encrypted = false): Promise<DirectRoom | null> {
    this.sidebarError.value = null;
    try {
      const dm = await this.#api.openDm(friend.name, encrypted);
      batch(() => {
        this.dmOpened(dm);
        this.select(dm.id);
      });
      return dm;
    } catch (error) {
      this.sidebarError.value = shownTextOf(error);
      return null;
    }
  }

  /**
   * Leaves a group room, then reads the lists again.
   *
   * @returns Whether the user left (else see `roomError`).
   */
  async leaveRoom(id: string): Promise<boolean> {
    this.roomError.value = null;
    try {
      await this.#api.leaveRoom(id);
    } catch (error) {
      this.roomError.value = shownTextOf(error);
      return false;
    }
    this.roomLeft(id);
    void this.refresh();
    return true;
  }

  /**
   * Applies a live change now, and keeps it to apply again over the answer of a refresh read
   * in flight ({@linkcode ChatStore.refresh}). In a batch: one update of the lists.
   */
  #live(change: () => void): void {
    batch(change);
    this.#sinceRead?.push(change);
  }

  #show(room: RoomSummary): void {
    batch(() => {
      this.roomJoined(room);
      this.select(room.id);
    });
  }

  /** Sets the lists' cursors and Discover from fresh first pages. */
  #setLists(discover: DiscoverPage, page: ConversationPage): void {
    this.discover.value = discover.rooms;
    this.discoverCursor.value = discover.nextCursor;
    this.conversationsCursor.value = page.nextCursor;
  }

  /** Puts a conversation's room, listing it at the top when it was not listed. */
  #upsert(id: string, room: Conversation["room"]): void {
    const entries = new Map(this.#entries.value);
    const old = entries.get(id);
    const conversation: Conversation = old?.listed
      ? { ...old.conversation, room }
      : { room, activity: this.#now() };
    entries.set(id, { conversation, listed: true });
    this.#entries.value = entries;
  }

  async #loading(flag: { value: boolean }, work: () => Promise<void>): Promise<void> {
    flag.value = true;
    try {
      await work();
    } catch (error) {
      this.sidebarError.value = shownTextOf(error);
    } finally {
      flag.value = false;
    }
  }
}

/** The conversations of a page, listed. */
function entriesOf(page: ConversationPage): Map<string, Entry> {
  return new Map(page.conversations.map((conversation) => [
    conversation.room.id,
    { conversation, listed: true },
  ]));
}

/** A DM as a conversation's room: the peer's display name, status and avatar. */
function directRoom(dm: DirectRoom): Conversation["room"] {
  return { ...peerRoom(dm), kind: "direct", peer: dm.peer };
}

/** A DM as a room summary: the peer's display name, status and avatar. */
function peerRoom(
  dm: { id: string; createdAt: number; peer: PublicProfile; encrypted?: true },
): RoomSummary {
  const { id, createdAt, peer } = dm;
  return {
    id,
    name: peer.displayName,
    topic: peer.status,
    createdAt,
    avatarUrl: peer.avatarUrl,
    ...(dm.encrypted ? { encrypted: true } : {}),
  };
}
