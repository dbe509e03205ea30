/**
 * One device's view of one encrypted room: an MLS group whose handshake messages (commits,
 * with their Welcome) and application messages all travel in the room's seq order, as
 * {@linkcode E2ePayload}s. Browser-safe (loaded lazily, see `mls_suite.ts`).
 *
 * Ordering: the room's seq order is the delivery service's total order (RFC 9420, section
 * 14). A device that makes a commit keeps the resulting state aside ({@linkcode MlsGroup.stage})
 * and adopts it only when its commit comes back from the server in the log; if another
 * member's commit for the same epoch got an earlier seq, that one wins, and the staged commit
 * is dropped when it arrives (its epoch is past). So two racing commits settle the same way on
 * every device.
 *
 * @module
 */
import {
  acceptAll,
  type ClientState,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  joinGroup,
  type MLSMessage,
  processMessage,
  type Proposal,
} from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import type { E2ePayload } from "../protocol.ts";
import { decodeE2eContent, type E2eContent, encodeE2eContent } from "./e2e_content.ts";
import { base64ToBytes, bytesToBase64 } from "./mls_bytes.ts";
import { decodeKeyPackage, type HeldKeyPackage, parseDeviceIdentity } from "./mls_device.ts";
import { mlsSuite } from "./mls_suite.ts";

/**
 * What {@linkcode MlsGroup.join} made of a Welcome: the group joined with the KeyPackage
 * `used`; or `failed` (why), a Welcome this device cannot process although it may be for it
 * (`used`: the KeyPackage it names); or undefined, a Welcome for other devices only.
 */
export type JoinOutcome =
  | { group: MlsGroup; used: HeldKeyPackage; failed?: undefined }
  | { group?: undefined; failed: string; used?: HeldKeyPackage }
  | undefined;

/**
 * Most devices one commit adds. A commit with its Welcome (which carries the ratchet tree) grows
 * by about 950 base64 characters per added device: 19,124 for 20 devices, 46,760 for 50
 * (`deno task bench --only e2e`), and a payload must stay under `MAX_E2E_PAYLOAD` (24 KiB).
 * More devices are added by several commits in a row.
 */
export const MAX_ADDS_PER_COMMIT = 20;

/** What reading one payload of the room's log did. */
export type Incoming =
  /**
   * An application message: what the sender encrypted (`text` is the content's text, "" for a
   * reaction).
   */
  | { kind: "message"; text: string; content: E2eContent }
  /** A commit was applied; the group is now at `epoch` with `members` (device identities). */
  | { kind: "commit"; epoch: bigint; members: string[] }
  /**
   * Nothing to apply for this device: a commit of an epoch already past (it lost a race), or
   * a message of an epoch before it joined. Not an error.
   */
  | { kind: "skipped"; reason: "stale_epoch" | "before_join" | "own_message" }
  /** The payload failed to decrypt, to verify, or to parse: show "could not decrypt". */
  | { kind: "undecryptable"; reason: string }
  /**
   * A commit or message of an epoch after this device's: it missed a commit (or could not
   * process one) and can no longer follow the group; it must be added again (`room_reader.ts`).
   */
  | { kind: "behind"; epoch: bigint };

/** A commit made by this device, waiting for its place in the room's order. */
export interface StagedCommit {
  payload: E2ePayload;
  state: ClientState;
}

/** This device's membership in one encrypted room. */
export class MlsGroup {
  #state: ClientState;
  #staged = new Map<string, ClientState>();
  /** Payloads this device encrypted: it cannot decrypt its own application messages. */
  #sent = new Set<string>();

  /** The first epoch this device is a member of. */
  #joinedEpoch: bigint;

  private constructor(state: ClientState) {
    this.#state = state;
    this.#joinedEpoch = state.groupContext.epoch;
  }

  /** Starts a group of one (this device) for room `roomId`. */
  static async create(roomId: string, keyPackage: HeldKeyPackage): Promise<MlsGroup> {
    const state = await createGroup(
      new TextEncoder().encode(roomId),
      keyPackage.publicPackage,
      keyPackage.privatePackage,
      [],
      await mlsSuite(),
    );
    return new MlsGroup(state);
  }

  /**
   * Joins from the Welcome of a commit payload, with whichever of `held` it was made for (the
   * Welcome names each new member's KeyPackage by its reference). Undefined when it names none
   * of them (the Welcome is for other devices). `failed` (with the library's error) when the
   * Welcome is not one (it does not decode) or names one of `held` but cannot be processed with
   * it (damaged, wrong key, a signature that does not verify): this device was added and cannot
   * read the group, so it must be added again; `used` is that KeyPackage, spent either way.
   */
  static async join(payload: E2ePayload, held: readonly HeldKeyPackage[]): Promise<JoinOutcome> {
    if (payload.kind !== "commit" || !payload.welcome) return undefined;
    const message = decode(payload.welcome);
    if (message?.wireformat !== "mls_welcome") return { failed: "the Welcome does not decode" };
    const suite = await mlsSuite();
    const named = message.welcome.secrets.map((secret) => bytesToBase64(secret.newMember));
    for (const candidate of held) {
      const ref = bytesToBase64(await makeKeyPackageRef(candidate.publicPackage, suite.hash));
      if (!named.includes(ref)) continue;
      try {
        const state = await joinGroup(
          message.welcome,
          candidate.publicPackage,
          candidate.privatePackage,
          emptyPskIndex,
          suite,
        );
        return { group: new MlsGroup(state), used: candidate };
      } catch (error) {
        return { failed: error instanceof Error ? error.message : String(error), used: candidate };
      }
    }
    return undefined;
  }

  /**
   * The group's state as bytes, to keep on the device between page loads (it holds private
   * keys: store it only where the device's other keys are).
   */
  save(): { state: Uint8Array; joinedEpoch: bigint } {
    return { state: encodeGroupState(this.#state), joinedEpoch: this.#joinedEpoch };
  }

  /** A group from {@linkcode MlsGroup.save}'s bytes; undefined when they do not decode. */
  static restore(saved: { state: Uint8Array; joinedEpoch: bigint }): MlsGroup | undefined {
    const decoded = decodeGroupState(saved.state, 0);
    if (!decoded) return undefined;
    const group = new MlsGroup({ ...decoded[0], clientConfig: defaultClientConfig });
    group.#joinedEpoch = saved.joinedEpoch;
    return group;
  }

  /** The current epoch. */
  get epoch(): bigint {
    return this.#state.groupContext.epoch;
  }

  /** Device identities (`userId:deviceId`) of the members, in leaf order. */
  get members(): string[] {
    return members(this.#state).map((member) => member.identity);
  }

  /**
   * The HPKE public key of the leaf of device `identity` (base64), undefined when it has none
   * here: it changes when the device is added again, so a request to re-add it is known met.
   */
  leafKeyOf(identity: string): string | undefined {
    const leaf = members(this.#state).find((member) => member.identity === identity);
    return leaf && bytesToBase64(leaf.encryptionKey);
  }

  /**
   * Each member's device identity with the signature public key of its leaf, in leaf order:
   * the keys every message in the group is signed with, which a safety number vouches for.
   */
  get memberKeys(): { identity: string; signatureKey: Uint8Array }[] {
    return members(this.#state).map(({ identity, signatureKey }) => ({ identity, signatureKey }));
  }

  /**
   * A commit adding the devices of `claimed` (KeyPackages as the server hands them out, with
   * the user each was asked for), with a Welcome carrying the ratchet tree. A device already in
   * the group (one that fell behind and asked to be added again) has its old leaf removed in the
   * same commit. Throws on a KeyPackage that does not decode or whose credential names another
   * user than claimed, and on more than {@linkcode MAX_ADDS_PER_COMMIT} devices.
   */
  async add(
    claimed: readonly { userId: string; keyPackage: string }[],
  ): Promise<StagedCommit> {
    if (claimed.length > MAX_ADDS_PER_COMMIT) {
      throw new Error(`one commit adds at most ${MAX_ADDS_PER_COMMIT} devices`);
    }
    const leaves = members(this.#state);
    const proposals: Proposal[] = claimed.flatMap(({ userId, keyPackage }): Proposal[] => {
      const decoded = decodeKeyPackage(keyPackage);
      if (!decoded) throw new Error("not a KeyPackage of this app's ciphersuite");
      if (parseDeviceIdentity(decoded.identity)?.userId !== userId) {
        throw new Error("the KeyPackage names another user than the one asked for");
      }
      const stale = leaves.filter((member) => member.identity === decoded.identity);
      // A device added again keeps its signature key, the one safety numbers vouch for.
      const signatureKey = decoded.keyPackage.leafNode.signaturePublicKey;
      if (stale.some((member) => !sameBytes(member.signatureKey, signatureKey))) {
        throw new Error("the KeyPackage changes the signature key of a device in the group");
      }
      return [
        ...stale.map((member): Proposal => ({
          proposalType: "remove",
          remove: { removed: member.leafIndex },
        })),
        { proposalType: "add", add: { keyPackage: decoded.keyPackage } },
      ];
    });
    return await this.#commit(proposals);
  }

  /** A commit removing every device of user `userId`. Throws when they have none here. */
  async removeUser(userId: string): Promise<StagedCommit> {
    const commit = await this.#remove((identity) => identity.startsWith(userId + ":"));
    if (!commit) throw new Error("that user has no device in this group");
    return commit;
  }

  /**
   * A commit removing the devices named in `identities` (`userId:deviceId`), but never this
   * device's own (MLS forbids a member removing itself by commit); undefined when none of
   * them is another device of the group.
   */
  async removeDevices(identities: readonly string[]): Promise<StagedCommit | undefined> {
    const removed = new Set(identities);
    return await this.#remove((identity) => removed.has(identity));
  }

  async #remove(which: (identity: string) => boolean): Promise<StagedCommit | undefined> {
    const own = this.#state.privatePath.leafIndex;
    const proposals: Proposal[] = members(this.#state)
      .filter((member) => member.leafIndex !== own && which(member.identity))
      .map((member) => ({ proposalType: "remove", remove: { removed: member.leafIndex } }));
    return proposals.length === 0 ? undefined : await this.#commit(proposals);
  }

  /** Remembers a commit of this device until it comes back in the room's order. */
  stage(commit: StagedCommit): void {
    this.#staged.set(commit.payload.data, commit.state);
  }

  /** Encrypts a plain message of `text` for the current members. */
  encrypt(text: string): Promise<E2ePayload> {
    return this.encryptContent({ v: 1, text });
  }

  /** Encrypts `content` (a message, an edit or a reaction) for the current members. */
  async encryptContent(content: E2eContent): Promise<E2ePayload> {
    const plaintext = encodeE2eContent(content);
    const result = await createApplicationMessage(this.#state, plaintext, await mlsSuite());
    this.#state = result.newState;
    const data = bytesToBase64(encodeMlsMessage({
      privateMessage: result.privateMessage,
      wireformat: "mls_private_message",
      version: "mls10",
    }));
    this.#sent.add(data);
    return { kind: "message", data };
  }

  /**
   * Reads the next payload of the room's log. Never throws: a payload that cannot be read
   * leaves the group as it was and comes back as `undecryptable`.
   */
  async receive(payload: E2ePayload): Promise<Incoming> {
    if (payload.kind === "message" && this.#sent.delete(payload.data)) {
      return { kind: "skipped", reason: "own_message" };
    }
    const staged = this.#staged.get(payload.data);
    if (staged) {
      this.#staged.delete(payload.data);
      if (staged.groupContext.epoch !== this.epoch + 1n) {
        return { kind: "skipped", reason: "stale_epoch" };
      }
      this.#state = staged;
      return { kind: "commit", epoch: this.epoch, members: this.members };
    }
    const message = decode(payload.data);
    if (
      !message ||
      (message.wireformat !== "mls_private_message" && message.wireformat !== "mls_public_message")
    ) {
      return { kind: "undecryptable", reason: "not an MLS message" };
    }
    const epoch = message.wireformat === "mls_private_message"
      ? message.privateMessage.epoch
      : message.publicMessage.content.epoch;
    if (payload.kind === "commit" && epoch < this.epoch) {
      return { kind: "skipped", reason: "stale_epoch" };
    }
    // In the room's order a commit comes before anything of its epoch: a later epoch means a
    // commit this device did not apply.
    if (epoch > this.epoch) return { kind: "behind", epoch };
    // Keys of epochs before this device joined were never given to it: expected, not an error.
    if (epoch < this.#joinedEpoch) return { kind: "skipped", reason: "before_join" };
    try {
      const result = await processMessage(
        message,
        this.#state,
        emptyPskIndex,
        acceptAll,
        await mlsSuite(),
      );
      if (payload.kind === "commit" && result.kind !== "newState") {
        return { kind: "undecryptable", reason: "a commit payload held an application message" };
      }
      if (payload.kind === "message" && result.kind !== "applicationMessage") {
        return { kind: "undecryptable", reason: "a message payload held a handshake message" };
      }
      this.#state = result.newState;
      if (result.kind === "newState") {
        return { kind: "commit", epoch: this.epoch, members: this.members };
      }
      return readApplicationMessage(result.message);
    } catch (error) {
      return { kind: "undecryptable", reason: error instanceof Error ? error.message : "failed" };
    }
  }

  async #commit(proposals: Proposal[]): Promise<StagedCommit> {
    const result = await createCommit(
      { state: this.#state, cipherSuite: await mlsSuite() },
      { extraProposals: proposals, ratchetTreeExtension: true },
    );
    const payload: E2ePayload = { kind: "commit", data: encode(result.commit) };
    if (result.welcome) {
      payload.welcome = encode({
        welcome: result.welcome,
        wireformat: "mls_welcome",
        version: "mls10",
      });
    }
    return { payload, state: result.newState };
  }
}

/**
 * The epoch a commit payload was made in (its group moves to the next one), read from its
 * clear framing; undefined for what is not a commit. Of several commits of one epoch in the
 * room's log, only the first is the group's: a device joining must not take the Welcome of a
 * later one (it would be a member of a branch nobody else follows).
 */
export function commitEpoch(payload: E2ePayload): bigint | undefined {
  if (payload.kind !== "commit") return undefined;
  const message = decode(payload.data);
  if (message?.wireformat === "mls_private_message") return message.privateMessage.epoch;
  if (message?.wireformat === "mls_public_message") return message.publicMessage.content.epoch;
  return undefined;
}

function encode(message: MLSMessage): string {
  return bytesToBase64(encodeMlsMessage(message));
}

function decode(data: string): MLSMessage | undefined {
  const bytes = base64ToBytes(data);
  if (!bytes) return undefined;
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded && decoded[1] === bytes.length ? decoded[0] : undefined;
  } catch {
    return undefined;
  }
}

function readApplicationMessage(bytes: Uint8Array): Incoming {
  const content = decodeE2eContent(bytes);
  if (!content) {
    return { kind: "undecryptable", reason: "the plaintext is not a message of this app" };
  }
  return { kind: "message", text: "text" in content ? content.text : "", content };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

interface Leaf {
  identity: string;
  leafIndex: number;
  signatureKey: Uint8Array;
  encryptionKey: Uint8Array;
}

function members(state: ClientState): Leaf[] {
  const found: Leaf[] = [];
  state.ratchetTree.forEach((node, index) => {
    if (node?.nodeType !== "leaf") return;
    const credential = node.leaf.credential;
    if (credential.credentialType !== "basic") return;
    found.push({
      identity: new TextDecoder().decode(credential.identity),
      leafIndex: index / 2,
      signatureKey: node.leaf.signaturePublicKey,
      encryptionKey: node.leaf.hpkePublicKey,
    });
  });
  return found;
}
