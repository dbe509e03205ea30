/**
 * One tab of a browser profile runs the E2E session of a user at a time. Each tab would
 * otherwise run its own copy of every group's state from IndexedDB: two tabs sending at once
 * used the same sender generation, and the members could read only one of the two messages
 * (the other showed "could not decrypt"). The tab holding the profile's Web Lock
 * `chat-e2e-session/<user>` runs the session; another tab shows its encrypted rooms as open
 * elsewhere (`elsewhere`) and takes over when the lock comes to it. So the tabs of a profile also
 * never both create its device, nor both upload its KeyPackages (the second upload went over the
 * server's 10 per device and was refused, and left the profile without the private parts of the
 * first). Part of the lazy E2E chunk.
 *
 * "Use here" (as WhatsApp Web offers): a waiting tab asks the holder over the BroadcastChannel
 * of the same name (`take`). The holder closes its session first (the encryptions already asked
 * for are done, saved and in the outbox; a commit under way is sent and saved), shows its rooms
 * as `elsewhere`, then answers `yielded`; only then does the asking tab take the lock with
 * `steal: true`. Stealing at once would be quicker, but the holder learns of it only when its
 * lock's promise rejects, while an encryption or a commit may be under way: the group state it
 * saves afterwards would be older than the one the new tab already uses. A holder that never
 * answers (its tab frozen) keeps the session; the asking tab keeps waiting.
 *
 * @module
 */
import type { E2eSession, E2eView } from "../e2e_view.ts";

/** A session that can be closed: it stops and resolves once nothing more will be written. */
export interface ClosableSession extends E2eSession {
  /** Stops every room; resolves once the work under way is done and saved. */
  close(): Promise<void>;
}

/** What the tabs of a profile say to each other on the session's BroadcastChannel. */
type TabMessage = { take: string } | { yielded: string };

/** How long a holder that yielded waits for the asking tab's steal before it lets the lock go. */
const STEAL_WAIT_MS = 3_000;

/**
 * Returns the session of `userId` for this tab: once this tab holds the lock, it is opened with
 * `open` (and again each time this tab takes it back); until then, and after it went to another
 * tab, the rooms followed show `elsewhere` with a "use here" action and encrypting is refused.
 * Without the Web Locks API every tab opens its own.
 */
export async function oneTabSession(
  userId: string,
  view: E2eView,
  open: () => Promise<ClosableSession>,
): Promise<E2eSession> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return await open();
  const tab = new TabSession(`chat-e2e-session/${userId}`, locks, view, open);
  await tab.start();
  return tab;
}

/** The session of one tab, run here while it holds the lock (see {@linkcode oneTabSession}). */
class TabSession implements E2eSession {
  readonly #name: string;
  readonly #locks: LockManager;
  readonly #view: E2eView;
  readonly #open: () => Promise<ClosableSession>;
  readonly #channel: BroadcastChannel;
  readonly #id = crypto.randomUUID();
  readonly #followed = new Map<string, { peer?: string; stop?: () => void }>();
  /** The session, while this tab runs it. */
  #real: ClosableSession | undefined;
  /** Lets the held lock go; set while this tab holds it. */
  #release: (() => void) | undefined;
  /** The session being opened or closed here: the next change waits for it. */
  #turn: Promise<void> = Promise.resolve();
  /** Withdraws this tab's place in the lock's queue. */
  #queued: AbortController | undefined;

  constructor(
    name: string,
    locks: LockManager,
    view: E2eView,
    open: () => Promise<ClosableSession>,
  ) {
    this.#name = name;
    this.#locks = locks;
    this.#view = view;
    this.#open = open;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
      if ("take" in data) this.#handOver(data.take);
      else if (data.yielded === this.#id) this.#request({ steal: true });
    };
  }

  /** Takes the lock when it is free (and opens the session), else queues for it. */
  async start(): Promise<void> {
    const free = await new Promise<boolean>((answer) =>
      this.#request({ ifAvailable: true }, answer)
    );
    if (free) await this.#turn;
    else this.#request({});
  }

  follow(roomId: string, peer?: string): () => void {
    const entry: { peer?: string; stop?: () => void } = peer === undefined ? {} : { peer };
    this.#followed.set(roomId, entry);
    if (this.#real) entry.stop = this.#real.follow(roomId, peer);
    else this.#showElsewhere(roomId);
    return () => {
      entry.stop?.();
      if (this.#followed.get(roomId) === entry) this.#followed.delete(roomId);
    };
  }

  encrypt(roomId: string, text: string) {
    return this.#real ? this.#real.encrypt(roomId, text) : notHere();
  }

  safetyNumber(roomId: string, peer?: string) {
    return this.#real ? this.#real.safetyNumber(roomId, peer) : notHere();
  }

  setVerified(roomId: string, verified: boolean, peer?: string) {
    return this.#real ? this.#real.setVerified(roomId, verified, peer) : notHere();
  }

  /**
   * Asks for the lock with `options`; `answered` learns whether it was granted (with
   * `ifAvailable`, at once). Granted, the session opens here; lost without handing over (stolen
   * by a tab that did not ask first), it stops at once.
   */
  #request(options: LockOptions, answered?: (granted: boolean) => void): void {
    if (!options.ifAvailable) {
      this.#queued?.abort();
      this.#queued = options.steal ? undefined : new AbortController();
    }
    const signal = options.steal ? undefined : this.#queued?.signal;
    let release: (() => void) | undefined;
    this.#locks.request(this.#name, { ...options, ...(signal ? { signal } : {}) }, (lock) => {
      answered?.(lock !== null);
      if (!lock) return;
      const held = new Promise<void>((resolve) => release = resolve);
      this.#release = release;
      this.#turn = this.#turn.then(() => this.#run());
      return held;
    }).catch(() => {
      // Withdrawn from the queue, or stolen: only the lock this tab runs with matters.
      if (release && this.#release === release) this.#handOver();
    });
  }

  async #run(): Promise<void> {
    this.#queued = undefined;
    for (const roomId of this.#followed.keys()) {
      const { useHere: _useHere, ...rest } = this.#view.room(roomId);
      this.#view.set(roomId, { ...rest, status: "loading" });
    }
    try {
      const real = await this.#open();
      this.#real = real;
      for (const [roomId, entry] of this.#followed) entry.stop = real.follow(roomId, entry.peer);
    } catch (error) {
      console.error("e2e: opening the session failed", error);
    }
  }

  /**
   * Closes the session here, shows the rooms as open elsewhere and queues to take the lock back
   * once the other tab lets it go; with `to`, tells that tab to steal the lock, and lets it go
   * after {@linkcode STEAL_WAIT_MS} if that tab is gone.
   */
  #handOver(to?: string): void {
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    // From now on a send is refused (the composer keeps its text), and the rooms stop at once:
    // what they had queued is finished, nothing new starts.
    for (const roomId of this.#followed.keys()) {
      const { act: _act, ...rest } = this.#view.room(roomId);
      this.#view.set(roomId, rest);
    }
    const closing = this.#close();
    this.#turn = this.#turn.then(async () => {
      // The second closes a session that finished opening meanwhile.
      await Promise.all([closing, this.#close()]);
      for (const [roomId, entry] of this.#followed) {
        entry.stop?.();
        delete entry.stop;
        this.#showElsewhere(roomId);
      }
      this.#request({});
      if (to === undefined) return release();
      this.#channel.postMessage({ yielded: to } satisfies TabMessage);
      setTimeout(release, STEAL_WAIT_MS);
    });
  }

  /** Closes the session run here, if any; resolves once it is closed. */
  async #close(): Promise<void> {
    const real = this.#real;
    this.#real = undefined;
    await real?.close().catch((error) => console.error("e2e: closing the session failed", error));
  }

  /** Asks the tab holding the session to hand it over to this one. */
  #useHere = (): void => {
    if (!this.#release) this.#channel.postMessage({ take: this.#id } satisfies TabMessage);
  };

  #showElsewhere(roomId: string): void {
    const { act: _act, ...rest } = this.#view.room(roomId);
    this.#view.set(roomId, { ...rest, status: "elsewhere", useHere: this.#useHere });
  }
}

function notHere(): Promise<never> {
  return Promise.reject(new Error("encrypted conversations are open in another tab"));
}
