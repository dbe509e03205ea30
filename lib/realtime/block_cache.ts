/**
 * The users one connected user blocked, held by their connection for typing notices: read
 * when the socket opens and again whenever their friend list changes (a block or unblock
 * tells the blocker so), so no KV read is made per typing notice.
 *
 * @module
 */

/** A user's block list, read once and re-read on demand. */
export class BlockCache {
  #read: () => Promise<ReadonlySet<string>>;
  #loading: Promise<ReadonlySet<string>> | undefined;
  #generation = 0;
  /** The last list read; undefined until the first read finished. */
  known: ReadonlySet<string> | undefined;

  /** Reads the list with `read`. */
  constructor(read: () => Promise<ReadonlySet<string>>) {
    this.#read = read;
  }

  /** Reads the list afresh; a read overtaken by a newer one is dropped. */
  load(): Promise<ReadonlySet<string>> {
    const mine = ++this.#generation;
    const loading = this.#read().then((blocked) => {
      if (mine === this.#generation) this.known = blocked;
      return blocked;
    }, (error) => {
      console.error("block cache: read failed", error);
      if (mine === this.#generation) this.#loading = undefined;
      return this.known ?? new Set<string>();
    });
    this.#loading = loading;
    return loading;
  }

  /** The list as the newest read gives it (a new read when none is under way or done). */
  read(): Promise<ReadonlySet<string>> {
    return this.#loading ?? this.load();
  }
}
