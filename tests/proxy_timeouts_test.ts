/**
 * Slow clients behind the documented proxy. Deno's HTTP server has no timeout for receiving a
 * request's headers, so docs/SECURITY.md ("Behind a proxy") has the proxy bound it; this runs
 * that nginx configuration (with a 2 s header timeout instead of 10 s) in front of a real chat
 * node and checks that it closes slow-header clients, while the chat, WebSocket included, works
 * through it with `PUBLIC_URL`. Skipped where nginx is not installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { registerUser, TestSocket } from "./helpers/chat_client.ts";
import { freePort, withTestServer } from "./helpers/test_server.ts";

const PUBLIC = "https://chat.example";
const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

/** The nginx site of docs/SECURITY.md, proxying to `upstream`, on a free port. */
function nginxConfig(dir: string, port: number, upstream: string): string {
  return `
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  client_header_timeout 2s;
  client_body_timeout 2s;
  send_timeout 30s;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_read_timeout 120s;
    }
  }
}
`;
}

/** Resolves with the milliseconds until the peer closed `conn`, or null after `limitMs`. */
async function closedWithin(conn: Deno.Conn, limitMs: number): Promise<number | null> {
  const started = Date.now();
  const buffer = new Uint8Array(1024);
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) return Date.now() - started;
    }
  } catch {
    // closed by the timer (or reset by the peer)
    return Date.now() - started < limitMs ? Date.now() - started : null;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name:
    "behind the documented nginx, a client that sends a partial request line, or drips its headers, is disconnected after the header timeout, and the chat works through it",
  ignore: nginx === undefined,
  async fn() {
    await withTestServer(async (server) => {
      const dir = await Deno.makeTempDir({ prefix: "nginx" });
      const port = freePort();
      await Deno.writeTextFile(`${dir}/nginx.conf`, nginxConfig(dir, port, server.url));
      const child = new Deno.Command(nginx!, {
        args: ["-c", `${dir}/nginx.conf`, "-p", dir],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const proxy = `http://127.0.0.1:${port}`;
      try {
        for (let ready = false; !ready;) {
          try {
            const response = await fetch(`${proxy}/login`);
            await response.body?.cancel();
            ready = response.ok;
          } catch {
            // nginx not listening yet
          }
          if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const encoder = new TextEncoder();
        const partial = await Deno.connect({ hostname: "127.0.0.1", port });
        await partial.write(encoder.encode("GET /login HT"));
        const drip = await Deno.connect({ hostname: "127.0.0.1", port });
        const dripping = (async () => {
          for (const char of "GET /login HTTP/1.1\r\nHost: chat.example\r\nX-Slow: yes") {
            await new Promise((resolve) => setTimeout(resolve, 250));
            if (await drip.write(encoder.encode(char)).catch(() => 0) === 0) return;
          }
        })();
        const [partialMs, dripMs] = await Promise.all([
          closedWithin(partial, 8_000),
          closedWithin(drip, 8_000),
        ]);
        await dripping;
        assert.ok(partialMs !== null && partialMs < 4_000, `partial line closed at ${partialMs}`);
        assert.ok(dripMs !== null && dripMs < 4_000, `dripped headers closed at ${dripMs}`);

        // The chat through the proxy: the cookie is Secure, and the socket's Origin is PUBLIC.
        const user = await registerUser(proxy, "proxied");
        const socket = new TestSocket(proxy, user, PUBLIC);
        const welcome = await socket.next("welcome");
        assert.equal(welcome.user.id, user.id);
        await socket.close();
      } finally {
        child.kill("SIGTERM");
        await child.status;
        await child.stderr.cancel();
        await Deno.remove(dir, { recursive: true });
      }
    }, { config: { publicUrl: PUBLIC } });
  },
});
