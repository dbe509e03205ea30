/**
 * Commits a Deno KV atomic operation, retrying while the database file is locked by another
 * handle (another worker of `deno serve --parallel`, or another process). SQLite reports such
 * contention as a thrown "database is locked" error, not as a failed check; it says nothing
 * about the data, so committing the same operation again is safe.
 *
 * @module
 */

const MAX_LOCKED_RETRIES = 200;

/** Commits `atomic`; a failed check is returned as usual (`ok: false`). */
export async function commitAtomic(
  atomic: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  for (let attempt = 0;; attempt++) {
    try {
      return await atomic.commit();
    } catch (error) {
      if (!isLocked(error) || attempt >= MAX_LOCKED_RETRIES) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(20, 1 + attempt))
      );
    }
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}
