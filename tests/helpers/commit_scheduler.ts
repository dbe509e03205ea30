/**
 * Deterministic interleavings of concurrent requests on a real Deno KV. The scheduler hands out
 * a KV that is the real one except that every atomic commit made on behalf of an actor (a
 * request started with {@linkcode CommitScheduler.run}) waits until the test lets it go. The
 * test then releases one actor at a time, and each released actor runs until its next commit
 * (or its end) before the next choice is made: its reads between two commits all see the same
 * writes of the others, so a list of choices fixes the order of every read and commit of the
 * actors against each other, the interleaving a race needs.
 *
 * An actor is told apart by its async context (`AsyncLocalStorage`), so a request must run in
 * this process, through the node's `fetch`, not over a socket. What an actor starts in the
 * background keeps its context; once the actor's request has finished, its commits go through
 * at once. Only atomic commits wait: `kv.set` and `kv.delete` do not, and an actor whose own
 * commits run concurrently (in a `Promise.all`) is released one commit at a time, but its
 * branches may then read in any order. A commit that one actor makes on behalf of others (a
 * message writer's batch, which takes every actor's queued messages) must not wait: an actor
 * whose message rides in another's held batch would be neither held nor done, and no step could
 * be chosen. {@linkcode CommitSchedulerOptions.unheld} names such commits.
 *
 * @example Running a deletion and an accept in a chosen order
 * ```ts
 * const scheduler = new CommitScheduler(await Deno.openKv(":memory:"));
 * const deletion = scheduler.run("delete", () => chat.fetch(deleteRequest));
 * const accept = scheduler.run("accept", () => chat.fetch(acceptRequest));
 * await scheduler.step("accept"); // the accept reads, and is held at its commit
 * await scheduler.advanceUntil("delete", (writes) => writes.length > 3);
 * await scheduler.interleave([]); // the rest, the oldest actor first
 * ```
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** A commit (or an actor's start) waiting for its turn. */
interface Held {
  release: () => void;
  /** The keys the commit sets or deletes (none for a start). */
  writes: readonly Deno.KvKey[];
}

interface Actor {
  /** Commits (and the start) waiting to be let go, oldest first. */
  parked: Held[];
  done: boolean;
}

/** Options of {@linkcode CommitScheduler}. */
export interface CommitSchedulerOptions {
  /** Commits (told by the keys they set or delete) that go through at once, never held. */
  unheld?: (writes: readonly Deno.KvKey[]) => boolean;
}

/** Runs requests against one KV with their commits interleaved as a test chooses. */
export class CommitScheduler {
  /** The KV to hand to the server: the real one, with actors' commits held. */
  readonly kv: Deno.Kv;
  /** Each step so far: which actor went on (its name), in order. */
  readonly trace: string[] = [];
  #context = new AsyncLocalStorage<string>();
  #actors = new Map<string, Actor>();
  #wake: (() => void) | undefined;

  /** Wraps `kv`; nothing is held until an actor runs. */
  constructor(kv: Deno.Kv, options: CommitSchedulerOptions = {}) {
    const unheld = options.unheld ?? (() => false);
    const park = (writes: readonly Deno.KvKey[]) =>
      unheld(writes) ? Promise.resolve() : this.#park(writes);
    this.kv = withHeldCommits(kv, park);
  }

  /**
   * Starts `fn` as the actor `name` (a name may be used again once its actor has finished): it
   * waits for its first turn before it begins, and at each commit after that. Its answer is the
   * returned promise's.
   */
  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.#actors.get(name)?.done === false) throw new Error(`actor ${name} is running`);
    const actor: Actor = { parked: [], done: false };
    this.#actors.set(name, actor);
    return this.#context.run(name, async () => {
      try {
        await this.#park([]);
        return await fn();
      } finally {
        actor.done = true;
        // Background work it started goes on unheld.
        for (const held of actor.parked.splice(0)) held.release();
        this.#changed();
      }
    });
  }

  /**
   * Lets the actors go one at a time until all are done: each step waits until every actor is
   * held or done, then releases the oldest held commit of the actor that `choices` names (the
   * step's number modulo how many actors are held, in the order they were started; 0 past the
   * list's end).
   */
  async interleave(choices: readonly number[]): Promise<void> {
    for (let step = 0;; step++) {
      await this.#settled();
      const held = [...this.#actors.keys()].filter((name) => this.#actors.get(name)!.parked.length);
      if (held.length === 0) return;
      this.#release(held[(choices[step] ?? 0) % held.length]!);
    }
  }

  /**
   * Waits until every actor is held or done, then lets the actor `name` go on to its next
   * commit (or its end), and waits again.
   */
  async step(name: string): Promise<void> {
    await this.#settled();
    this.#release(name);
    await this.#settled();
  }

  /**
   * Steps the actor `name` until its held commit is one that `until` accepts (given the keys
   * it sets or deletes), and leaves it held there; throws when the actor ends first.
   */
  async advanceUntil(
    name: string,
    until: (writes: readonly Deno.KvKey[]) => boolean,
  ): Promise<void> {
    await this.#settled();
    while (!until(this.#actor(name).parked[0]?.writes ?? [])) await this.step(name);
  }

  /** Steps the actor `name` until it has finished, the others held meanwhile. */
  async finish(name: string): Promise<void> {
    await this.#settled();
    while (this.#actor(name).parked.length > 0) await this.step(name);
  }

  #actor(name: string): Actor {
    const actor = this.#actors.get(name);
    if (!actor) throw new Error(`no actor ${name}`);
    return actor;
  }

  #release(name: string): void {
    const held = this.#actor(name).parked.shift();
    if (!held) throw new Error(`actor ${name} is not held (it has finished)`);
    this.trace.push(name);
    held.release();
  }

  /** Waits until every actor is held at a commit or done. */
  async #settled(): Promise<void> {
    const still = () =>
      [...this.#actors.values()].every((actor) => actor.done || actor.parked.length > 0);
    while (!still()) await new Promise<void>((resolve) => this.#wake = resolve);
  }

  #changed(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #park(writes: readonly Deno.KvKey[]): Promise<void> {
    const name = this.#context.getStore();
    const actor = name === undefined ? undefined : this.#actors.get(name);
    if (!actor || actor.done) return Promise.resolve();
    const turn = new Promise<void>((release) => actor.parked.push({ release, writes }));
    this.#changed();
    return turn;
  }
}

/**
 * `kv` whose atomic commits first wait for `park` (told the keys each sets or deletes), and whose
 * `list` calls are told to `listed` first; the rest is the real KV. Also for a test that holds
 * chosen commits of a node.
 */
export function withHeldCommits(
  kv: Deno.Kv,
  park: (writes: readonly Deno.KvKey[]) => Promise<void>,
  listed: (selector: Deno.KvListSelector) => void = () => {},
): Deno.Kv {
  return new Proxy(kv, {
    get(target, property) {
      if (property === "atomic") return () => heldAtomic(target.atomic(), park);
      if (property === "list") {
        return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
          listed(selector);
          return target.list(selector, options);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The methods of `Deno.AtomicOperation` that write the key they are given first. */
const WRITES = new Set<string | symbol>(["set", "delete", "sum", "min", "max"]);

/**
 * `atomic` whose `commit` first waits for `park` (told the keys it sets or deletes); its chained
 * calls return the wrapper. Also for a test that holds one chosen commit of a node.
 */
export function heldAtomic(
  atomic: Deno.AtomicOperation,
  park: (writes: readonly Deno.KvKey[]) => Promise<void>,
): Deno.AtomicOperation {
  const writes: Deno.KvKey[] = [];
  const held: Deno.AtomicOperation = new Proxy(atomic, {
    get(target, property) {
      if (property === "commit") {
        return async () => {
          await park(writes);
          return await target.commit();
        };
      }
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (WRITES.has(property)) writes.push(args[0] as Deno.KvKey);
        if (property === "mutate") {
          writes.push(...(args as Deno.KvMutation[]).map((mutation) => mutation.key));
        }
        const result = value.apply(target, args);
        return result === target ? held : result;
      };
    },
  });
  return held;
}
