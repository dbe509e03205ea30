/**
 * The browser side of calls: takes the user's `call` frames, keeps the call shown in signals,
 * and runs one RTCPeerConnection per other participant (a one-to-one call has one; a group call
 * is a full mesh). Of each pair, the participant listed earlier in `CallView.participants`
 * sends the offer: the caller once the call is answered, and in a group call whoever was there
 * first, to each newcomer. Either side answers any offer (so a switch to video renegotiates
 * from whoever added it). A failed connection, or a peer socket that reconnected (`call_join`),
 * restarts ICE from the offering side. Loaded in its own chunk, with the call layer, the first
 * time a call rings or is placed.
 *
 * @module
 */
import { computed, signal } from "@preact/signals";
import type { CallFrame, ChatClient } from "../chat_client.ts";
import type { CallMedia, CallSignal, CallView } from "../../lib/common/protocol.ts";
import { newClientId } from "../new_client_id.ts";
import { request } from "../rooms_api.ts";

/** What the call view shows. */
export type CallPhase = "ringing" | "connecting" | "connected" | "reconnecting" | "ended";

/** The call this tab shows, if any. */
export interface ShownCall {
  view: CallView;
  /** The other party (name and id); in a group call, who started it. */
  peer: { id: string; name: string };
  /** This tab placed it, answered it or joined it (else it only rings, or was answered elsewhere). */
  mine: boolean;
  incoming: boolean;
  phase: CallPhase;
  /** Clock time the media connected, for the timer. */
  connectedAt?: number;
}

/** The connection to one other participant. */
interface PeerLink {
  pc: RTCPeerConnection;
  /** Candidates that arrived before the remote description. */
  pending: RTCIceCandidateInit[];
  /** The socket of the peer when this tab last offered or answered (a change: ICE restart). */
  socket: string;
  /** Signals of this peer, handled one after the other. */
  queue: Promise<void>;
}

/** Runs the calls of one tab. */
export class CallSession {
  /** The call shown, or null. */
  readonly call = signal<ShownCall | null>(null);
  readonly localStream = signal<MediaStream | null>(null);
  /** Participant id → the media received from them. */
  readonly remoteStreams = signal<ReadonlyMap<string, MediaStream>>(new Map());
  /** The media of the one other party of a one-to-one call (the first one of a group call). */
  readonly remoteStream = computed(() => this.remoteStreams.value.values().next().value ?? null);
  readonly muted = signal(false);
  readonly cameraOn = signal(false);
  /** The speaker chosen for the call's sound (`setSinkId`); "" is the system's default. */
  readonly sinkId = signal("");
  /** Couldn't get a microphone or camera: a catalogue key to show. */
  readonly problem = signal<string | null>(null);
  #client: ChatClient;
  #me: { id: string; name: string };
  #links = new Map<string, PeerLink>();
  #iceServers: Promise<RTCIceServer[]> | null = null;
  #socketAtJoin = "";
  /** A call hung up while the socket was down: its `call_hangup` goes out on reconnect. */
  #hangUpLater: string | null = null;
  /** The chat's socket is down: the call cannot be signalled, so it shows "reconnecting". */
  #socketDown = false;

  /** Calls of `me` over `client`. */
  constructor(client: ChatClient, me: { id: string; name: string }) {
    this.#client = client;
    this.#me = me;
  }

  /** The peer connection to the first other participant (tests read its stats). */
  get peerConnection(): RTCPeerConnection | null {
    return this.#links.values().next().value?.pc ?? null;
  }

  /** The peer connections to every other participant (tests read their stats). */
  get peerConnections(): RTCPeerConnection[] {
    return [...this.#links.values()].map((link) => link.pc);
  }

  /** Rings `peer` in direct room `room`. */
  async place(room: string, peer: { id: string; name: string }, media: CallMedia): Promise<void> {
    if (this.call.peek()) return;
    if (!await this.#openMedia(media)) return;
    const id = newClientId();
    this.call.value = {
      view: this.#draft(id, room, media, [this.#me.id, peer.id]),
      peer,
      mine: true,
      incoming: false,
      phase: "ringing",
    };
    this.#client.sendCall({ type: "call_invite", call: id, room, media });
  }

  /** Starts the group call of group room `room`, or joins its call `join`. */
  async joinGroup(room: string, media: CallMedia, join?: string): Promise<void> {
    if (this.call.peek()) return;
    if (!await this.#openMedia(media)) return;
    const id = join ?? newClientId();
    this.call.value = {
      view: { ...this.#draft(id, room, media, [this.#me.id]), state: "active", group: true },
      peer: this.#me,
      mine: true,
      incoming: false,
      phase: "connecting",
    };
    this.#client.sendCall(
      join ? { type: "call_join", call: id } : { type: "call_invite", call: id, room, media },
    );
  }

  /** Answers the ringing call in this tab. */
  async accept(): Promise<void> {
    const shown = this.call.peek();
    if (!shown || shown.phase !== "ringing" || !shown.incoming) return;
    if (!await this.#openMedia(shown.view.media)) {
      this.#client.sendCall({ type: "call_decline", call: shown.view.id });
      return;
    }
    this.call.value = { ...shown, mine: true, phase: "connecting" };
    this.#client.sendCall({ type: "call_accept", call: shown.view.id });
  }

  /** Declines a ringing call, cancels an outgoing one, hangs up, or leaves a group call. */
  hangUp(): void {
    const shown = this.call.peek();
    if (!shown) return;
    if (shown.phase === "ended") return this.#clear();
    const type = shown.incoming && shown.phase === "ringing" ? "call_decline" : "call_hangup";
    if (this.#client.sendCall({ type, call: shown.view.id })) return;
    // The socket is down: end here now, and tell the server once it is back.
    this.#hangUpLater = shown.view.id;
    this.call.value = { ...shown, phase: "ended" };
    this.#stopMedia();
  }

  /** Closes the ended call's view. */
  dismiss(): void {
    if (this.call.peek()?.phase === "ended") this.#clear();
  }

  /** Mutes or unmutes the microphone. */
  toggleMute(): void {
    this.muted.value = !this.muted.peek();
    for (const track of this.localStream.peek()?.getAudioTracks() ?? []) {
      track.enabled = !this.muted.peek();
    }
  }

  /** Turns the camera off or on; in a voice call, adds it (a switch to video). */
  async toggleCamera(): Promise<void> {
    const stream = this.localStream.peek();
    const tracks = stream?.getVideoTracks() ?? [];
    if (tracks.length > 0) {
      this.cameraOn.value = !this.cameraOn.peek();
      for (const track of tracks) track.enabled = this.cameraOn.peek();
      return;
    }
    try {
      const video = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = video.getVideoTracks()[0]!;
      const next = new MediaStream([...(stream?.getTracks() ?? []), track]);
      this.localStream.value = next;
      this.cameraOn.value = true;
      for (const link of this.#links.values()) link.pc.addTrack(track, next);
    } catch {
      this.problem.value = "call.noCamera";
    }
  }

  /**
   * Uses input device `deviceId` (a microphone or a camera, by `kind`) from now on: the new
   * track replaces the old one on every connection, without renegotiating.
   */
  async useInput(kind: "audio" | "video", deviceId: string): Promise<void> {
    const stream = this.localStream.peek();
    const old = kind === "audio" ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
    if (!stream || !old) return;
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({
        [kind]: { deviceId: { exact: deviceId } },
      });
      const track = (kind === "audio" ? fresh.getAudioTracks() : fresh.getVideoTracks())[0]!;
      track.enabled = old.enabled;
      for (const link of this.#links.values()) {
        const sender = link.pc.getSenders().find((s) => s.track === old);
        await sender?.replaceTrack(track);
      }
      old.stop();
      // Read again: a switch of the other kind may have replaced the stream meanwhile.
      const now = this.localStream.peek() ?? stream;
      this.localStream.value = new MediaStream([
        ...now.getTracks().filter((t) => t !== old),
        track,
      ]);
    } catch {
      this.problem.value = kind === "audio" ? "call.noMicrophone" : "call.noCamera";
    }
  }

  /** Handles a frame of this user's calls. */
  receive(frame: CallFrame): void {
    if (frame.type === "room_call") return;
    if (frame.type === "call_signal") return void this.#onSignal(frame.from, frame.signal);
    if (frame.type === "error") return this.#refused(frame.code, frame.request);
    const view = frame.call;
    const shown = this.call.peek();
    if (shown && shown.view.id !== view.id) {
      return; // Another call of this user (another tab's); this tab shows its own.
    }
    const incoming = view.from.id !== this.#me.id;
    if (!shown) {
      // Only a new ringing call for this user is shown in a tab that shows none.
      if (view.state !== "ringing" || !incoming) return;
      const peerId = view.participants.find((id) => id !== this.#me.id) ?? "";
      this.call.value = {
        view,
        peer: { id: peerId, name: view.from.name },
        mine: false,
        incoming,
        phase: "ringing",
      };
      return;
    }
    const carried = view.sockets[this.#me.id] === this.#client.socketId;
    if (view.state === "ended") {
      this.call.value = { ...shown, view, phase: "ended" };
      return this.#stopMedia();
    }
    if (view.state === "active") {
      if (!carried) {
        // Answered in another tab: this one stops ringing.
        if (!shown.mine) this.#clear();
        return;
      }
      const first = this.#iceServers === null;
      this.call.value = { ...shown, view, phase: first ? "connecting" : shown.phase };
      void this.#sync(view);
      return;
    }
    this.call.value = { ...shown, view };
  }

  /**
   * The chat's socket went down: a call in progress says "reconnecting" until the socket is back
   * and the call is carried on it ({@linkcode CallSession.reconnected}).
   */
  socketLost(): void {
    this.#socketDown = true;
    this.#updatePhase();
  }

  /** After a reconnect: carry the call on the new socket, then restart ICE. */
  reconnected(): void {
    this.#socketDown = false;
    if (this.#hangUpLater) {
      this.#client.sendCall({ type: "call_hangup", call: this.#hangUpLater });
      this.#hangUpLater = null;
    }
    const shown = this.call.peek();
    if (!shown?.mine || shown.phase === "ended" || shown.phase === "ringing") return;
    if (this.#socketAtJoin === this.#client.socketId) return;
    this.#socketAtJoin = this.#client.socketId;
    this.call.value = { ...shown, phase: "reconnecting" };
    this.#client.sendCall({ type: "call_join", call: shown.view.id });
    // The join's echo names the new socket; offer once it is carried.
    queueMicrotask(() => {
      for (const peerId of this.#links.keys()) {
        if (this.#offersTo(shown.view, peerId)) void this.#offer(peerId, true);
      }
    });
  }

  /** A call frame was refused: an invite or join that failed ends the call it showed, and says why. */
  #refused(code: string, request: string): void {
    this.problem.value = code === "rate_limited"
      ? "call.tooMany"
      : code === "in_call"
      ? "call.inCall"
      : code === "call_full"
      ? "call.full"
      : "call.refused";
    const shown = this.call.peek();
    const placing = request === "call_invite" && shown && !shown.incoming &&
      shown.phase === "ringing";
    const joining = (request === "call_join" || request === "call_invite") &&
      shown?.view.group && this.#iceServers === null;
    if (placing || joining) this.#clear();
  }

  #draft(id: string, room: string, media: CallMedia, participants: string[]): CallView {
    return {
      id,
      room,
      media,
      from: this.#me,
      participants,
      state: "ringing",
      sockets: { [this.#me.id]: this.#client.socketId },
    };
  }

  async #openMedia(media: CallMedia): Promise<boolean> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: media === "video",
      });
      this.localStream.value = stream;
      this.cameraOn.value = media === "video";
      this.muted.value = false;
      this.problem.value = null;
      return true;
    } catch {
      this.problem.value = media === "video" ? "call.noCamera" : "call.noMicrophone";
      return false;
    }
  }

  /** Whether this tab sends the offers to `peerId`: the one listed earlier does. */
  #offersTo(view: CallView, peerId: string): boolean {
    return view.participants.indexOf(this.#me.id) < view.participants.indexOf(peerId);
  }

  /** Brings the connections in line with `view`: new participants, gone ones, moved sockets. */
  async #sync(view: CallView): Promise<void> {
    if (this.#iceServers === null) {
      this.#socketAtJoin = this.#client.socketId;
      this.#iceServers = fetchIceServers();
    }
    for (const [peerId, link] of this.#links) {
      if (view.participants.includes(peerId)) continue;
      link.pc.close();
      this.#links.delete(peerId);
      const streams = new Map(this.remoteStreams.peek());
      streams.delete(peerId);
      this.remoteStreams.value = streams;
    }
    for (const peerId of view.participants) {
      const socket = view.sockets[peerId];
      if (peerId === this.#me.id || !socket || !this.#offersTo(view, peerId)) continue;
      const known = this.#links.get(peerId);
      if (!known) {
        await this.#link(peerId, socket);
        void this.#offer(peerId, false);
      } else if (known.socket !== socket) {
        known.socket = socket;
        void this.#offer(peerId, true); // The peer's socket changed: restart ICE to it.
      }
    }
    this.#updatePhase();
  }

  /** The connection to `peerId`, made now if there is none. */
  async #link(peerId: string, socket: string): Promise<PeerLink> {
    const iceServers = await (this.#iceServers ??= fetchIceServers());
    const existing = this.#links.get(peerId);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: icePolicy() });
    const link: PeerLink = { pc, pending: [], socket, queue: Promise.resolve() };
    this.#links.set(peerId, link);
    const remote = new MediaStream();
    pc.ontrack = (event) => {
      remote.addTrack(event.track);
      const streams = new Map(this.remoteStreams.peek());
      streams.set(peerId, new MediaStream(remote.getTracks()));
      this.remoteStreams.value = streams;
    };
    pc.onicecandidate = (event) => {
      if (!event.candidate) return;
      this.#send(peerId, { kind: "candidate", candidate: event.candidate.toJSON() as never });
    };
    pc.onconnectionstatechange = () => {
      this.#updatePhase();
      const view = this.call.peek()?.view;
      if (pc.connectionState === "failed" && view && this.#offersTo(view, peerId)) {
        void this.#offer(peerId, true);
      }
    };
    const stream = this.localStream.peek();
    for (const track of stream?.getTracks() ?? []) pc.addTrack(track, stream!);
    pc.onnegotiationneeded = () => {
      // The first offer is sent by `#sync`; later ones (video added) by whoever added it.
      if (pc.connectionState === "connected") void this.#offer(peerId, false);
    };
    return link;
  }

  /**
   * The phase from the socket and the connections: reconnecting while the socket or a
   * connection is down, else connected once one connection is.
   */
  #updatePhase(): void {
    const shown = this.call.peek();
    if (!shown || shown.phase === "ended" || shown.phase === "ringing") return;
    const states = [...this.#links.values()].map((link) => link.pc.connectionState);
    if (
      this.#socketDown || states.some((state) => state === "disconnected" || state === "failed")
    ) {
      this.call.value = { ...shown, phase: "reconnecting" };
    } else if (states.some((state) => state === "connected")) {
      this.call.value = {
        ...shown,
        phase: "connected",
        connectedAt: shown.connectedAt ?? Date.now(),
      };
    }
  }

  async #offer(peerId: string, iceRestart: boolean): Promise<void> {
    const pc = this.#links.get(peerId)?.pc;
    if (!pc) return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    this.#send(peerId, { kind: "offer", sdp: offer.sdp ?? "" });
  }

  async #onSignal(from: string, signal: CallSignal): Promise<void> {
    const socket = this.call.peek()?.view.sockets[from] ?? "";
    const link = await this.#link(from, socket);
    link.queue = link.queue.then(() => this.#apply(from, link, signal)).catch(() => {});
    await link.queue;
  }

  async #apply(from: string, link: PeerLink, signal: CallSignal): Promise<void> {
    const pc = link.pc;
    if (signal.kind === "candidate") {
      if (pc.remoteDescription) await pc.addIceCandidate(signal.candidate).catch(() => {});
      else link.pending.push(signal.candidate);
      return;
    }
    await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
    for (const candidate of link.pending.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => {});
    }
    if (signal.kind === "offer") {
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.#send(from, { kind: "answer", sdp: answer.sdp ?? "" });
    }
    // An ICE restart over a connection that never dropped fires no state change: the
    // negotiation ending is what ends "reconnecting" then.
    this.#updatePhase();
  }

  #send(to: string, signal: CallSignal): void {
    const shown = this.call.peek();
    if (shown) this.#client.sendCall({ type: "call_signal", call: shown.view.id, to, signal });
  }

  #stopMedia(): void {
    for (const track of this.localStream.peek()?.getTracks() ?? []) track.stop();
    for (const link of this.#links.values()) link.pc.close();
    this.#links.clear();
    this.#iceServers = null;
  }

  #clear(): void {
    this.#stopMedia();
    this.localStream.value = null;
    this.remoteStreams.value = new Map();
    this.call.value = null;
  }
}

async function fetchIceServers(): Promise<RTCIceServer[]> {
  try {
    return (await request<{ iceServers: RTCIceServer[] }>("GET", "/api/calls/ice")).iceServers;
  } catch {
    // Offline, refused or timed out: host candidates still connect peers on one network.
    return [];
  }
}

/** `?relay` in the page's address forces TURN (to test the relay path). */
function icePolicy(): RTCIceTransportPolicy {
  return new URLSearchParams(location.search).has("relay") ? "relay" : "all";
}
