/**
 * Benchmark peer: a Socket.IO 4 room-broadcast server on Node, websocket transport only (see
 * `PROTOCOL.md`). Persists nothing; broadcasts with `io.to(room).emit`.
 *
 * Usage: `node socketio_server.mjs PORT`
 *
 * @module
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";
import process from "node:process";

// Resolved at run time from ./node_modules (a CommonJS require keeps `deno check` out of it).
const { Server } = createRequire(import.meta.url)("socket.io");

const port = Number(process.argv[2]);

const http = createServer((request, response) => {
  if (request.url === "/health") response.writeHead(200).end();
  else if (!request.url?.startsWith("/socket.io/")) response.writeHead(404).end();
});
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack(room);
  });
  socket.on("send", (frame) => {
    if (socket.rooms.has(frame.room)) {
      io.to(frame.room).emit("msg", { room: frame.room, text: frame.text });
    }
  });
});

http.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
