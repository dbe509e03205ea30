/**
 * The one read, check, commit, retry-on-conflict loop. An attempt reads what it needs, decides,
 * and either answers at once (a refusal, nothing to change) or returns {@linkcode commit} with
 * an atomic operation checked against what it read. When that check fails (another request
 * wrote one of those keys in between), the next attempt reads afresh. What runs after a
 * successful commit (notices, system messages) goes in the commit's `after`, so it runs once.
 *
 * @example Adding one to a counter, whatever else writes it meanwhile
 * ```ts
 * const kv = await Deno.openKv(":memory:");
 * const total = await transact("count", async () => {
 *   const entry = await kv.get<number>(["count"]);
 *   const next = (entry.value ?? 0) + 1;
 *   return commit(kv.atomic().check(entry).set(["count"], next), () => next);
 * });
 * ```
 *
 * @module
 */
import { commitAtomic } from "./kv_commit.ts";

/**
 * Attempts of {@linkcode transact} unless told otherwise. A conflict needs another write to
 * the same keys between an attempt's read and its commit, so it takes many requests on one room
 * or one pair of users at the same moment. Measured on a 2-core machine, one process changing
 * one key from N requests at once: the unluckiest request needed 7 attempts for N = 10, 13 to
 * 20 for N = 20, 33 to 36 for N = 50. So ten serves about ten simultaneous changes of one
 * room's records; beyond that a loud error is better than a request that never answers.
 */
export const DEFAULT_ATTEMPTS = 10;

/** Thrown by {@linkcode transact} when every attempt conflicted and no `exhausted` was given. */
export class TooMuchContentionError extends Error {
  /** `name` says which operation gave up (it starts the message). */
  constructor(operation: string, attempts: number) {
    super(`${operation}: too much contention`);
    this.name = "TooMuchContentionError";
    this.attempts = attempts;
  }

  /** How many attempts conflicted. */
  readonly attempts: number;
}

/** What an attempt of {@linkcode transact} asks it to commit; made by {@linkcode commit}. */
export class Commit<T> {
  /** The checked operation to commit. */
  readonly atomic: Deno.AtomicOperation;
  /** Runs once, after the commit succeeded; its value is what `transact` returns. */
  readonly after: (result: Deno.KvCommitResult) => T | Promise<T>;

  /** Use {@linkcode commit}. */
  constructor(
    atomic: Deno.AtomicOperation,
    after: (result: Deno.KvCommitResult) => T | Promise<T>,
  ) {
    this.atomic = atomic;
    this.after = after;
  }
}

/**
 * Asks {@linkcode transact} to commit `atomic`; once it is committed, `after` runs and its value
 * is the answer. A failed check makes `transact` run the next attempt instead.
 */
export function commit<T>(
  atomic: Deno.AtomicOperation,
  after: (result: Deno.KvCommitResult) => T | Promise<T>,
): Commit<T> {
  return new Commit(atomic, after);
}

/** How many times {@linkcode transact} tries, and what it answers when all of them conflict. */
export interface TransactOptions<T> {
  /**
   * Attempts at most, each reading afresh: {@linkcode DEFAULT_ATTEMPTS} when absent.
   * `Infinity` retries until a commit succeeds (only where every conflict means someone else
   * made progress).
   */
  attempts?: number;
  /**
   * The answer when every attempt conflicted. Absent: {@linkcode TooMuchContentionError} is
   * thrown.
   */
  exhausted?: () => T | Promise<T>;
}

/**
 * Runs `attempt` (given its index, from 0) until it answers without committing, or its
 * {@linkcode commit} succeeds (then the commit's `after` answers). A commit whose check fails
 * starts the next attempt at once: the conflicting write is already done, so there is nothing
 * to wait for. Errors thrown by `attempt`, by the commit (other than a failed check) and by
 * `after` are passed on.
 *
 * @param operation Names the operation in the error thrown when every attempt conflicted.
 * @param attempt One read, decision and (maybe) commit.
 * @param options How many attempts, and the answer once they all conflicted.
 * @returns The answer of the last attempt, or of the commit's `after`.
 * @throws {TooMuchContentionError} When every attempt conflicted and `options.exhausted` is
 * absent.
 */
export async function transact<T>(
  operation: string,
  attempt: (index: number) => Promise<T | Commit<T>>,
  options: TransactOptions<T> = {},
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  for (let index = 0; index < attempts; index++) {
    const outcome = await attempt(index);
    if (!(outcome instanceof Commit)) return outcome;
    const result = await commitAtomic(outcome.atomic);
    if (result.ok) return await outcome.after(result);
  }
  if (options.exhausted) return await options.exhausted();
  throw new TooMuchContentionError(operation, attempts);
}
