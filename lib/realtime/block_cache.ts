/**
 * The users one connected user blocked, held by their connection for typing notices: read
 * when the socket first needs it (its first subscription, from which typing notices reach it,
 * or its first typing notice) and again whenever their friend list changes after that (a block
 * or unblock tells the blocker so), so no KV read is made per typing notice, and none by a
 * socket that never subscribes (a reconnect storm's sockets before they resume: a list read was
 * 3.7 % of the server's JavaScript time per connect, `deno task bench --only storm --profile`).
 *
 * @module
 */

/** The list of a user who blocked nobody, shared by all their connections. */
const NO_BLOCKS: ReadonlySet<string> = new Set();

/**
 * A user's block list, read once and re-read on demand. One per connection, so it keeps no
 * closure and no settled promise: an idle node holds thousands of these.
 */
export class BlockCache {
  #read: (userId: string) => Promise<ReadonlySet<string>>;
  #userId: string;
  /** The read under way, if any. */
  #loading: Promise<ReadonlySet<string>> | undefined;
  #generation = 0;
  /** The last list read; undefined until the first read finished. */
  known: ReadonlySet<string> | undefined;

  /** Reads the list of `userId` with `read`. */
  constructor(read: (userId: string) => Promise<ReadonlySet<string>>, userId: string) {
    this.#read = read;
    this.#userId = userId;
  }

  /** Starts the first read, unless one was made or is under way. */
  warm(): void {
    if (this.#loading === undefined && this.known === undefined) void this.load();
  }

  /**
   * The user's friend list changed: re-reads the list if it was read or is being read (a list
   * never read is read fresh when first needed).
   */
  changed(): void {
    if (this.#loading !== undefined || this.known !== undefined) void this.load();
  }

  /** Reads the list afresh; a read overtaken by a newer one is dropped. */
  load(): Promise<ReadonlySet<string>> {
    const mine = ++this.#generation;
    const loading = this.#read(this.#userId).then((blocked) => {
      if (mine !== this.#generation) return blocked;
      this.known = blocked.size === 0 ? NO_BLOCKS : blocked;
      this.#loading = undefined;
      return blocked;
    }, (error) => {
      console.error("block cache: read failed", error);
      if (mine === this.#generation) this.#loading = undefined;
      return this.known ?? NO_BLOCKS;
    });
    this.#loading = loading;
    return loading;
  }

  /**
   * Calls `deliver` unless `userId` is on the list (a typing notice from them). At once when the
   * list is read and no re-read is under way; otherwise once the read under way (or a first one)
   * has finished, so a block just made holds from the moment the blocker is told of it (the
   * re-read starts before that), and nobody else's notice is lost to a re-read.
   */
  ifAccepts(userId: string, deliver: () => void): void {
    if (this.#loading === undefined && this.known !== undefined) {
      if (!this.known.has(userId)) deliver();
      return;
    }
    void this.read().then((blocked) => {
      // A newer read may have finished meanwhile: its list is the one that holds.
      const list = this.#loading === undefined && this.known !== undefined ? this.known : blocked;
      if (!list.has(userId)) deliver();
    });
  }

  /** The list as the newest read gives it (a new read when none is under way or done). */
  read(): Promise<ReadonlySet<string>> {
    if (this.#loading) return this.#loading;
    return this.known ? Promise.resolve(this.known) : this.load();
  }
}
