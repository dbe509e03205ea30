/**
 * A device of a test user running the real MLS core (`lib/common/e2e/`) over the real API and
 * WebSocket: it publishes KeyPackages, starts or joins the group of an encrypted room from the
 * room's log, and reads that log in seq order as a browser would.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerFrame } from "../../lib/common/protocol.ts";
import type { ClaimedKeyPackage } from "../../lib/devices/key_packages.ts";
import {
  createDevice,
  generateDeviceKeyPackage,
  type HeldKeyPackage,
  type MlsDevice,
} from "../../lib/common/e2e/mls_device.ts";
import {
  commitEpoch,
  type Incoming,
  MlsGroup,
  type StagedCommit,
} from "../../lib/common/e2e/mls_group.ts";
import {
  isSettled,
  type MemberDevices,
  planMembership,
} from "../../lib/common/e2e/membership_plan.ts";
import { membershipCommit } from "../../lib/common/e2e/membership_commit.ts";
import type { E2eContent } from "../../lib/common/e2e/e2e_content.ts";
import { api, openSocket, type TestSocket, type TestUser } from "./chat_client.ts";

type MessageFrame = Extract<ServerFrame, { type: "message" }>;

let sent = 0;

/** One device: its MLS identity, its unused KeyPackages, its socket and its group. */
export class E2eDevice {
  readonly user: TestUser;
  readonly device: MlsDevice;
  readonly socket: TestSocket;
  readonly baseUrl: string;
  group: MlsGroup | undefined;
  /** What reading each seq of the room's log gave this device. */
  readonly read = new Map<number, Incoming | { kind: "joined" }>();
  #held: HeldKeyPackage[] = [];
  #room: string | undefined;
  #nextSeq = 1;
  /** Epochs of the commits read before joining: a later commit of one of them lost its race. */
  #committedEpochs = new Set<bigint>();

  private constructor(baseUrl: string, user: TestUser, device: MlsDevice, socket: TestSocket) {
    this.baseUrl = baseUrl;
    this.user = user;
    this.device = device;
    this.socket = socket;
  }

  /** A new device of `user` with an open socket and `packages` KeyPackages published. */
  static async open(baseUrl: string, user: TestUser, deviceId: string, packages = 2) {
    const device = new E2eDevice(
      baseUrl,
      user,
      await createDevice(user.id, deviceId),
      await openSocket(baseUrl, user),
    );
    await device.publish(packages);
    return device;
  }

  /** Generates and uploads `count` KeyPackages, keeping their private parts. */
  async publish(count: number): Promise<void> {
    const fresh = await Promise.all(
      Array.from({ length: count }, () => generateDeviceKeyPackage(this.device)),
    );
    const response = await api(
      this.baseUrl,
      this.user,
      "PUT",
      `/api/e2e/devices/${this.device.deviceId}/key_packages`,
      { keyPackages: fresh.map((held) => held.encoded) },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    this.#held.push(...fresh);
  }

  /** Claims one KeyPackage of each device of `userId` (for room `room`). */
  async claim(userId: string, room?: string): Promise<ClaimedKeyPackage[]> {
    const response = await api<{ keyPackages: ClaimedKeyPackage[] }>(
      this.baseUrl,
      this.user,
      "POST",
      "/api/e2e/claim",
      { user: userId, room, exceptDevice: this.device.deviceId },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.keyPackages;
  }

  /** The room's members and their devices with keys, from the key directory. */
  async roomDevices(): Promise<MemberDevices[]> {
    const response = await api<{ members: MemberDevices[] }>(
      this.baseUrl,
      this.user,
      "GET",
      `/api/e2e/rooms/${this.#room}/devices`,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.members;
  }

  /**
   * Makes (but does not send) the next commit that brings the group in line with the room's
   * membership, as a browser's room reader does, adding again the device identities in
   * `rejoin`; undefined when it already is.
   */
  async prepareFollow(rejoin?: ReadonlySet<string>): Promise<StagedCommit | undefined> {
    const change = planMembership(
      this.group!.members,
      await this.roomDevices(),
      new Set(),
      rejoin,
    );
    if (isSettled(change)) return undefined;
    const { commit } = await membershipCommit(this.group!, change, async (userId, devices) => {
      const response = await api<{ keyPackages: ClaimedKeyPackage[] }>(
        this.baseUrl,
        this.user,
        "POST",
        "/api/e2e/claim",
        { user: userId, room: this.#room, devices },
      );
      return response.status === 200 ? response.body.keyPackages : [];
    });
    return commit;
  }

  /**
   * Commits what the room's membership calls for ({@linkcode prepareFollow}) and waits until it
   * is in the log; its seq, or undefined when there was nothing to commit.
   */
  async follow(rejoin?: ReadonlySet<string>): Promise<number | undefined> {
    const commit = await this.prepareFollow(rejoin);
    return commit && await this.#commit(commit);
  }

  /**
   * Skips the entry at `seq` as if this device had missed it (it never reads it); the next
   * entry read will be the one after.
   */
  async miss(seq: number): Promise<void> {
    await this.readUntil(seq - 1);
    this.#nextSeq = seq + 1;
  }

  /** Subscribes to `room` and reads its log as it arrives. */
  async enter(room: string): Promise<void> {
    this.#room = room;
    await this.socket.subscribe(room);
  }

  /** Starts the room's group with this device alone in it (nothing is sent). */
  async startGroup(): Promise<void> {
    const held = this.#held.shift();
    assert.ok(held, "a KeyPackage of its own");
    this.group = await MlsGroup.create(this.#room!, held);
  }

  /** Commits the addition of the devices of `claimed` and waits until it is in the log. */
  async add(claimed: ClaimedKeyPackage[]): Promise<number> {
    return await this.#commit(await this.group!.add(claimed));
  }

  /** Makes (but does not send) a commit adding the devices of `claimed`. */
  async prepareAdd(claimed: ClaimedKeyPackage[]): Promise<StagedCommit> {
    return await this.group!.add(claimed);
  }

  /** Sends a commit made by {@linkcode prepareAdd}; returns its seq once it is in the log. */
  async sendCommit(staged: StagedCommit): Promise<number> {
    return await this.#commit(staged);
  }

  /** Commits the removal of every device of `userId` and waits until it is in the log. */
  async removeUser(userId: string): Promise<number> {
    return await this.#commit(await this.group!.removeUser(userId));
  }

  /** Encrypts and sends `text`; returns its seq once acked. */
  async say(text: string): Promise<number> {
    const e2e = await this.group!.encrypt(text);
    return await this.sendPayload(e2e);
  }

  /**
   * Encrypts and sends `content`: a message (with `attachments`, the uploaded ciphertexts' ids,
   * for one with files) as a `send`; an edit or a reaction as its `edit` or `react` frame.
   * Returns its seq once acked.
   */
  async sendContent(content: E2eContent, attachments?: string[]): Promise<number> {
    const e2e = await this.group!.encryptContent(content) as { kind: "message"; data: string };
    const room = this.#room!;
    const clientId = `e2e-${this.device.deviceId}-${sent++}`;
    if ("edit" in content) {
      this.socket.send({ type: "edit", room, clientId, target: content.edit, text: "", e2e });
    } else if ("reaction" in content) {
      this.socket.send({ type: "react", room, clientId, target: content.reaction.seq, e2e });
    } else {
      return await this.sendPayload(e2e, attachments);
    }
    return await this.#acked(clientId);
  }

  /** Sends a payload as it is (tests use it for tampered ones); returns its seq once acked. */
  async sendPayload(e2e: MessageFrame["e2e"], attachments?: string[]): Promise<number> {
    const clientId = `e2e-${this.device.deviceId}-${sent++}`;
    this.socket.send({
      type: "send",
      room: this.#room!,
      clientId,
      text: "",
      e2e,
      ...(attachments ? { attachments: attachments.map((id) => ({ id })) } : {}),
    });
    return await this.#acked(clientId);
  }

  async #acked(clientId: string): Promise<number> {
    const ack = await this.socket.next("ack", (frame) => frame.clientId === clientId);
    await this.readUntil(ack.seq);
    return ack.seq;
  }

  /** Reads the room's log in seq order up to `seq` (waiting for it to arrive). */
  async readUntil(seq: number): Promise<void> {
    const room = this.#room!;
    await this.socket.waitForMessages(room, 1);
    await this.#waitFor(room, seq);
    while (this.#nextSeq <= seq) {
      const entry = this.socket.messages(room).find((frame) => frame.seq === this.#nextSeq);
      this.#nextSeq++;
      if (!entry?.e2e) continue;
      if (!this.group) {
        const epoch = commitEpoch(entry.e2e);
        if (epoch === undefined || this.#committedEpochs.has(epoch)) continue;
        this.#committedEpochs.add(epoch);
        const joined = await MlsGroup.join(entry.e2e, this.#held);
        if (joined?.group) {
          this.group = joined.group;
          this.#held = this.#held.filter((held) => held !== joined.used);
          this.read.set(entry.seq, { kind: "joined" });
        }
        continue;
      }
      const incoming = await this.group.receive(entry.e2e);
      this.read.set(entry.seq, incoming);
      // Fell behind (a commit it did not apply): its state is of no use, it must be added again
      // and join from the next Welcome for it, as a browser's room reader does.
      if (incoming.kind === "behind") this.group = undefined;
    }
  }

  /** The text this device read at `seq`, or what it got instead. */
  textAt(seq: number): string | Incoming | { kind: "joined" } | undefined {
    const incoming = this.read.get(seq);
    return incoming?.kind === "message" ? incoming.text : incoming;
  }

  /** The content this device decrypted at `seq`; undefined when it read none there. */
  contentAt(seq: number): E2eContent | undefined {
    const incoming = this.read.get(seq);
    return incoming?.kind === "message" ? incoming.content : undefined;
  }

  async #waitFor(room: string, seq: number): Promise<void> {
    while (!this.socket.messages(room).some((frame) => frame.seq >= seq)) {
      await this.socket.waitForMessages(room, this.socket.messages(room).length + 1);
    }
  }

  async #commit(staged: StagedCommit): Promise<number> {
    this.group!.stage(staged);
    return await this.sendPayload(staged.payload);
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    await this.socket.close();
  }
}
