/**
 * Runs a throwaway coturn `turnserver` on loopback for the relayed-call test, with the TURN REST
 * API secret the chat mints credentials from (`use-auth-secret`, as the README configures it,
 * plus `--allow-loopback-peers`, without which coturn refuses to relay to 127.0.0.1). The binary
 * is `TURNSERVER_PATH` (set by `deno task test`, see `scripts/ensure_programs.ts`), else
 * `/usr/bin/turnserver`.
 *
 * @module
 */
import { freePort } from "./test_server.ts";

/** A running `turnserver`. */
export interface TurnServer {
  /** `turn:127.0.0.1:PORT?transport=udp` */
  url: string;
  /** The shared secret (coturn's `static-auth-secret`). */
  secret: string;
  /** Kills the server and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts `turnserver` on a free port and waits until it listens (polling, as it logs no "ready"). */
export async function startTurnServer(): Promise<TurnServer> {
  const binary = Deno.env.get("TURNSERVER_PATH") || "/usr/bin/turnserver";
  const port = freePort();
  const secret = crypto.randomUUID();
  const relayFrom = 20_000 + Math.floor(Math.random() * 20_000);
  const child = new Deno.Command(binary, {
    args: [
      ...["--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", `--listening-port=${port}`],
      ...["--use-auth-secret", `--static-auth-secret=${secret}`, "--realm=chat.test"],
      ...[`--min-port=${relayFrom}`, `--max-port=${relayFrom + 200}`],
      ...["--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls"],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Ready once its TCP listener (on the same port as UDP) accepts a connection.
  for (let attempt = 0;; attempt++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (attempt >= 200) {
        child.kill("SIGKILL");
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch {
        // ended meanwhile
      }
      await child.status;
    },
  };
}
