/**
 * Benchmark peer: a bare `Deno.upgradeWebSocket` room-broadcast server (see `PROTOCOL.md`).
 * Persists nothing; each broadcast is serialized once and sent to every member of the room.
 *
 * Usage: `deno run --allow-net bench/peers/deno_server.ts PORT`
 *
 * @module
 */

interface PeerFrame {
  t: string;
  room: string;
  text?: string;
}

const port = Number(Deno.args[0]);
const rooms = new Map<string, Set<WebSocket>>();

function accept(request: Request): Response {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response(null, { status: new URL(request.url).pathname === "/health" ? 200 : 404 });
  }
  const { socket, response } = Deno.upgradeWebSocket(request);
  const joined = new Set<string>();
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data) as PeerFrame;
    if (frame.t === "join") {
      const members = rooms.get(frame.room) ?? new Set();
      rooms.set(frame.room, members.add(socket));
      joined.add(frame.room);
      socket.send(JSON.stringify({ t: "joined", room: frame.room }));
    } else if (frame.t === "send" && joined.has(frame.room)) {
      const out = JSON.stringify({ t: "msg", room: frame.room, text: frame.text });
      for (const member of rooms.get(frame.room) ?? []) {
        if (member.readyState === WebSocket.OPEN) member.send(out);
      }
    }
  };
  socket.onclose = () => {
    for (const room of joined) rooms.get(room)?.delete(socket);
  };
  socket.onerror = () => {};
  return response;
}

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, accept);
