/**
 * Benchmark peer: a bare `ws` room-broadcast server on Node (see `PROTOCOL.md`). Persists
 * nothing; each broadcast is serialized once and written to every member of the room.
 *
 * Usage: `node ws_server.mjs PORT`
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import process from "node:process";

// Resolved at run time from ./node_modules (a CommonJS require keeps `deno check` out of it).
const { WebSocketServer } = createRequire(import.meta.url)("ws");

const port = Number(process.argv[2]);
/** @type {Map<string, Set<{ send(data: Buffer, options: object): void }>>} */
const rooms = new Map();

const http = createServer((request, response) => {
  response.writeHead(request.url === "/health" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

wss.on("connection", (socket) => {
  /** @type {Set<string>} */
  const joined = new Set();
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.t === "join") {
      const members = rooms.get(frame.room) ?? new Set();
      rooms.set(frame.room, members.add(socket));
      joined.add(frame.room);
      socket.send(JSON.stringify({ t: "joined", room: frame.room }));
    } else if (frame.t === "send" && joined.has(frame.room)) {
      const out = Buffer.from(JSON.stringify({ t: "msg", room: frame.room, text: frame.text }));
      for (const member of rooms.get(frame.room) ?? []) member.send(out, { binary: false });
    }
  });
  socket.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(socket);
  });
});

http.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
