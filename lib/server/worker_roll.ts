/**
 * Ends the process once every worker of `deno serve --parallel` has shut down gracefully.
 *
 * SIGTERM reaches the listener of every worker, but `Deno.exit()` in one worker ends the whole
 * process, cutting off the others mid-shutdown (checked with Deno 2.9: the first worker to
 * call it ended the process while the second still waited). So the workers keep a roll on a
 * BroadcastChannel: each announces itself at start, and when its shutdown is done says so; the
 * worker that completes the roll exits. A worker that hangs is cut off after
 * {@linkcode SHUTDOWN_DEADLINE_MS}. With one worker (`deno serve` without `--parallel`) the
 * roll is that worker alone, so it exits as soon as it is done.
 *
 * Messages carry the process id: BroadcastChannel stays within one process here, and this
 * keeps the roll to one process wherever a channel might reach further.
 *
 * @module
 */
import { openWorkerChannel } from "./worker_channel.ts";

/** How long the last worker waits after every worker is done before ending the process. */
export const EXIT_LINGER_MS = 100;

/** Longest a graceful shutdown may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

type RollMessage = { pid: number; worker: string; say: "hello" | "here" | "done" };

/** This worker's place on the roll of its process's workers. */
export class WorkerRoll {
  #channel = openWorkerChannel("chat-worker-roll");
  #me: string = crypto.randomUUID();
  #known = new Set<string>([this.#me]);
  #done = new Set<string>();
  #exit: (code: number) => void;

  /** Joins the roll; `exit` ends the process (`Deno.exit` unless a test says otherwise). */
  constructor(exit: (code: number) => void = Deno.exit) {
    this.#exit = exit;
    if (this.#channel) {
      this.#channel.onmessage = ({ data }: MessageEvent<RollMessage>) => {
        if (data.pid !== Deno.pid) return;
        this.#known.add(data.worker);
        if (data.say === "hello") this.#post("here");
        if (data.say === "done") this.#done.add(data.worker);
        this.#exitWhenAllDone();
      };
    }
    this.#post("hello");
  }

  /** Workers of this process heard from so far, this one included. */
  get workers(): number {
    return this.#known.size;
  }

  /**
   * Runs this worker's shutdown, then marks it done; the process exits once every worker is
   * done, or {@linkcode SHUTDOWN_DEADLINE_MS} after the first call, whichever comes first.
   */
  async leave(shutdown: () => Promise<void>): Promise<void> {
    setTimeout(() => this.#exit(1), SHUTDOWN_DEADLINE_MS);
    // A roll call again: a worker whose channel was not listening yet when another started
    // answers now, well before any worker could be done.
    this.#post("hello");
    try {
      await shutdown();
    } finally {
      this.#done.add(this.#me);
      this.#post("done");
      this.#exitWhenAllDone();
    }
  }

  #post(say: RollMessage["say"]): void {
    this.#channel?.postMessage({ pid: Deno.pid, worker: this.#me, say } satisfies RollMessage);
  }

  #exitWhenAllDone(): void {
    if (!this.#allDone()) return;
    // Checked again after a pause: a worker heard from meanwhile (an answer to the roll call
    // of `leave`) is waited for. The pause also lets the runtime finish shutting down the TCP
    // connections whose close handshakes just ended: an exit at once can reset one whose last
    // frames the client has not read yet, and it then sees an abnormal close, not 1012.
    setTimeout(() => {
      if (this.#allDone()) this.#exit(0);
    }, EXIT_LINGER_MS);
  }

  #allDone(): boolean {
    if (!this.#done.has(this.#me)) return false;
    for (const worker of this.#known) if (!this.#done.has(worker)) return false;
    return true;
  }
}
