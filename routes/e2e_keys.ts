/**
 * JSON API of the end-to-end encryption key directory, mounted at `/api/e2e`. Every route needs a
 * signed-in user. See `lib/devices/key_packages.ts` for the rules and docs/PROTOCOL.md,
 * "Encrypted rooms", for how a client uses them.
 *
 * - `PUT /devices/:device/key_packages` `{ keyPackages: string[] }`: upload or refill one's own
 *   device's one-time KeyPackages (base64 MLS messages) → `{ stored }` (how many it now holds).
 * - `GET /devices/:device/key_packages` → `{ count }`: how many are left (refill when low).
 * - `GET /users/:user/devices?room=` → `{ devices: [{ deviceId, signatureKey }] }`: `user`'s
 *   devices with their signature keys, to check a safety number against (same right as claim).
 * - `POST /claim` `{ user, room?, exceptDevice?, devices? }` →
 *   `{ keyPackages: ClaimedKeyPackage[] }`: one KeyPackage of each device of `user` (only those
 *   in `devices` when given; `user` is a friend, oneself, or a fellow member of `room`).
 * - `GET /rooms/:room/devices` → `{ members: [{ userId, devices, keys }] }`: the room's members
 *   and their devices with keys (`keys`: with their signature keys, for safety numbers), for a
 *   member (404 otherwise).
 * - `POST /rooms/:room/add_request` `{ device, leaf?, epoch? }` → `{ told }`: one's own device
 *   (with keys) asks the room's members to add it to the group, or with `leaf` (its leaf's key)
 *   to add it again (it fell behind), or with `epoch` (the group's epoch as far as it read the
 *   log) to add it again if the group holds a leaf for it at that epoch (it could not read the
 *   Welcome); relayed live as an `e2e_add_request` notice (`lib/devices/add_requests.ts`).
 * - `DELETE /devices/:device` → 204: forget one's own device, its unused KeyPackages with it
 *   (its keys were removed from the browser at logout), so no one adds it to a group again.
 * - `POST /rooms/:room/handshake_reports` `{ seq, reason }` → `{ id }`: this member's device
 *   rejected the MLS commit at `seq` (it failed to parse or verify, or its Welcome could not be
 *   processed; `reason` is the error): a report for the administrator, one per commit (see
 *   `lib/admin/reports.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import { refusal } from "../lib/common/refusal.ts";
import { MAX_DEVICES_PER_USER, MAX_KEY_PACKAGES_PER_DEVICE } from "../lib/devices/key_packages.ts";

const Upload = v.object({
  keyPackages: v.pipe(v.array(v.string()), v.maxLength(MAX_KEY_PACKAGES_PER_DEVICE)),
});
const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
/** A leaf's X25519 public key in base64 (44 characters). */
const LeafKey = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{43}=$/));
/** An MLS epoch: a count of commits, well within a safe integer. */
const Epoch = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const AddRequest = v.object({ device: Id, leaf: v.optional(LeafKey), epoch: v.optional(Epoch) });
const NOT_IDS = "user and room are ids (1-64 of A-Z a-z 0-9 _ -)";
const HandshakeReport = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  reason: v.pipe(v.string(), v.maxLength(1000)),
});
const Claim = v.object({
  user: Id,
  room: v.optional(Id),
  exceptDevice: v.optional(Id),
  devices: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_DEVICES_PER_USER))),
});

/** Routes of the key directory, to mount at `/api/e2e`. */
export function e2eKeyRoutes(
  services: Pick<Services, "keyPackages" | "addRequests" | "reports">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.put("/devices/:device/key_packages", jsonBody(Upload), async (c) => {
    const { keyPackages } = c.req.valid("json");
    const result = await services.keyPackages.upload(
      c.var.user.id,
      c.req.param("device"),
      keyPackages,
    );
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ stored: result.stored });
  });

  app.get("/devices/:device/key_packages", async (c) => {
    return c.json({
      count: await services.keyPackages.count(c.var.user.id, c.req.param("device")),
    });
  });

  app.delete("/devices/:device", async (c) => {
    const result = await services.keyPackages.removeDevice(c.var.user.id, c.req.param("device"));
    if (!result.ok) return refusalResponse(c, result);
    return c.body(null, 204);
  });

  app.post("/claim", jsonBody(Claim), async (c) => {
    const { user, room, exceptDevice, devices } = c.req.valid("json");
    const result = await services.keyPackages.claim(c.var.user.id, user, {
      room,
      exceptDevice,
      devices,
    });
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ keyPackages: result.keyPackages });
  });

  app.get("/users/:user/devices", async (c) => {
    const user = v.safeParse(Id, c.req.param("user"));
    const room = v.safeParse(v.optional(Id), c.req.query("room"));
    if (!user.success || !room.success) {
      return refusalResponse(c, refusal(400, "refusal.invalidQuery", { detail: NOT_IDS }));
    }
    const result = await services.keyPackages.listDevices(c.var.user.id, user.output, room.output);
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ devices: result.devices });
  });

  app.get("/rooms/:room/devices", async (c) => {
    const members = await services.keyPackages.roomDevices(c.var.user.id, c.req.param("room"));
    if (!members) return refusalResponse(c, refusal(404, "refusal.noSuchRoom"));
    return c.json({ members });
  });

  app.post("/rooms/:room/add_request", jsonBody(AddRequest), async (c) => {
    const { device, leaf, epoch } = c.req.valid("json");
    const result = await services.addRequests.ask(c.var.user.id, c.req.param("room"), device, {
      leaf,
      epoch,
    });
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ told: result.told });
  });

  app.post("/rooms/:room/handshake_reports", jsonBody(HandshakeReport), async (c) => {
    const { seq, reason } = c.req.valid("json");
    const result = await services.reports.reportHandshake(
      c.var.user.id,
      c.req.param("room"),
      seq,
      reason,
    );
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ id: result.id });
  });

  return app;
}
