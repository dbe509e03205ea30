/**
 * A chat node on a KV whose commits a {@linkcode CommitScheduler} holds, for tests that run
 * every interleaving of two requests' commits (account deletion against what races it).
 *
 * @module
 */
import { CommitScheduler, type CommitSchedulerOptions } from "./commit_scheduler.ts";
import { startTestServer, type TestServer } from "./test_server.ts";

/** A node on a scheduled KV, shared by the runs of a property. */
export interface ScheduledNode {
  server: TestServer;
  scheduler: CommitScheduler;
}

/**
 * Runs `fn` with a fresh node on a fresh in-memory KV whose commits `scheduler` holds, except
 * those `unheld` names (`CommitSchedulerOptions.unheld`); closes both afterwards, even when `fn`
 * throws.
 */
export async function withScheduledNode(
  unheld: NonNullable<CommitSchedulerOptions["unheld"]>,
  fn: (node: ScheduledNode) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const scheduler = new CommitScheduler(kv, { unheld });
  const server = await startTestServer({ kv: scheduler.kv });
  try {
    await fn({ server, scheduler });
  } finally {
    await server.close();
    kv.close();
  }
}
