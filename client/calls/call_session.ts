/**
 * The browser side of one-to-one calls: takes the user's `call` frames, keeps the call shown in
 * signals, and runs the RTCPeerConnection. The caller sends the offer once the call is answered;
 * either side answers any offer (so a switch to video renegotiates from whoever added it). A
 * failed connection, or a socket that reconnected (`call_join`), restarts ICE from the caller.
 * Loaded in its own chunk, with the call layer, the first time a call rings or is placed.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { CallFrame, ChatClient } from "../chat_client.ts";
import type { CallMedia, CallSignal, CallView } from "../../lib/common/protocol.ts";
import { newClientId } from "../new_client_id.ts";

/** What the call view shows. */
export type CallPhase = "ringing" | "connecting" | "connected" | "reconnecting" | "ended";

/** The call this tab shows, if any. */
export interface ShownCall {
  view: CallView;
  /** The other party (name and id). */
  peer: { id: string; name: string };
  /** This tab placed it or answered it (else it only rings, or was answered elsewhere). */
  mine: boolean;
  incoming: boolean;
  phase: CallPhase;
  /** Clock time the media connected, for the timer. */
  connectedAt?: number;
}

/** Runs the calls of one tab. */
export class CallSession {
  /** The call shown, or null. */
  readonly call = signal<ShownCall | null>(null);
  readonly localStream = signal<MediaStream | null>(null);
  readonly remoteStream = signal<MediaStream | null>(null);
  readonly muted = signal(false);
  readonly cameraOn = signal(false);
  /** Couldn't get a microphone or camera: a catalogue key to show. */
  readonly problem = signal<string | null>(null);
  #client: ChatClient;
  #me: { id: string; name: string };
  #pc: RTCPeerConnection | null = null;
  #pending: RTCIceCandidateInit[] = [];
  /** Signals that arrived while the peer connection was being made (ICE servers fetched). */
  #early: { from: string; signal: CallSignal }[] = [];
  #socketAtJoin = "";

  /** Calls of `me` over `client`. */
  constructor(client: ChatClient, me: { id: string; name: string }) {
    this.#client = client;
    this.#me = me;
  }

  /** The peer connection of the call under way (tests read its stats). */
  get peerConnection(): RTCPeerConnection | null {
    return this.#pc;
  }

  /** Rings `peer` in direct room `room`. */
  async place(room: string, peer: { id: string; name: string }, media: CallMedia): Promise<void> {
    if (this.call.peek()) return;
    if (!await this.#openMedia(media)) return;
    const id = newClientId();
    this.call.value = {
      view: {
        id,
        room,
        media,
        from: this.#me,
        participants: [this.#me.id, peer.id],
        state: "ringing",
        sockets: { [this.#me.id]: this.#client.socketId },
      },
      peer,
      mine: true,
      incoming: false,
      phase: "ringing",
    };
    this.#client.sendCall({ type: "call_invite", call: id, room, media });
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

  /** Declines a ringing call, cancels an outgoing one, or hangs up. */
  hangUp(): void {
    const shown = this.call.peek();
    if (!shown) return;
    if (shown.phase === "ended") return this.#clear();
    const type = shown.incoming && shown.phase === "ringing" ? "call_decline" : "call_hangup";
    this.#client.sendCall({ type, call: shown.view.id });
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
      this.#pc?.addTrack(track, next);
    } catch {
      this.problem.value = "call.noCamera";
    }
  }

  /** Handles a frame of this user's calls. */
  receive(frame: CallFrame): void {
    if (frame.type === "call_signal") return void this.#onSignal(frame.from, frame.signal);
    if (frame.type === "error") return this.#refused(frame.code, frame.request);
    const view = frame.call;
    const shown = this.call.peek();
    if (shown && shown.view.id !== view.id) {
      return; // Another call of this user (another tab's); this tab shows its own.
    }
    const peerId = view.participants.find((id) => id !== this.#me.id) ?? "";
    const incoming = view.from.id !== this.#me.id;
    if (!shown) {
      // Only a new ringing call for this user is shown in a tab that shows none.
      if (view.state !== "ringing" || !incoming) return;
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
      const first = this.#pc === null;
      this.call.value = { ...shown, view, phase: first ? "connecting" : shown.phase };
      if (first) this.#connect(view, peerId);
      else if (!incoming && view.sockets[peerId] !== shown.view.sockets[peerId]) {
        void this.#offer(peerId, true); // The callee's socket changed: restart ICE to it.
      }
      return;
    }
    this.call.value = { ...shown, view };
  }

  /** After a reconnect: carry the call on the new socket, then restart ICE. */
  reconnected(): void {
    const shown = this.call.peek();
    if (!shown?.mine || shown.phase === "ended" || shown.phase === "ringing") return;
    if (this.#socketAtJoin === this.#client.socketId) return;
    this.#socketAtJoin = this.#client.socketId;
    this.call.value = { ...shown, phase: "reconnecting" };
    this.#client.sendCall({ type: "call_join", call: shown.view.id });
    if (shown.view.from.id === this.#me.id) {
      // The join's echo names the new socket; offer once it is carried.
      queueMicrotask(() => void this.#offer(shown.peer.id, true));
    }
  }

  /** A call frame was refused: an invite that failed ends the call it showed, and says why. */
  #refused(code: string, request: string): void {
    this.problem.value = code === "rate_limited"
      ? "call.tooMany"
      : code === "in_call"
      ? "call.inCall"
      : "call.refused";
    const shown = this.call.peek();
    if (request === "call_invite" && shown && !shown.incoming && shown.phase === "ringing") {
      this.#clear();
    }
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

  async #connect(view: CallView, peerId: string): Promise<void> {
    this.#socketAtJoin = this.#client.socketId;
    const { iceServers } = await fetchIceServers();
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: icePolicy() });
    this.#pc = pc;
    const remote = new MediaStream();
    this.remoteStream.value = remote;
    pc.ontrack = (event) => {
      remote.addTrack(event.track);
      this.remoteStream.value = new MediaStream(remote.getTracks());
    };
    pc.onicecandidate = (event) => {
      if (!event.candidate) return;
      this.#send(peerId, { kind: "candidate", candidate: event.candidate.toJSON() as never });
    };
    pc.onconnectionstatechange = () => this.#onState(pc, peerId);
    const stream = this.localStream.peek();
    for (const track of stream?.getTracks() ?? []) pc.addTrack(track, stream!);
    const caller = view.from.id === this.#me.id;
    pc.onnegotiationneeded = () => {
      // The caller's first offer is sent below; later ones (video added) by whoever added.
      if (pc.connectionState === "connected") void this.#offer(peerId, false);
    };
    if (caller) await this.#offer(peerId, false);
    for (const early of this.#early.splice(0)) await this.#onSignal(early.from, early.signal);
  }

  #onState(pc: RTCPeerConnection, peerId: string): void {
    const shown = this.call.peek();
    if (!shown || shown.phase === "ended") return;
    if (pc.connectionState === "connected") {
      this.call.value = {
        ...shown,
        phase: "connected",
        connectedAt: shown.connectedAt ?? Date.now(),
      };
    } else if (pc.connectionState === "disconnected" || pc.connectionState === "failed") {
      this.call.value = { ...shown, phase: "reconnecting" };
      if (pc.connectionState === "failed" && shown.view.from.id === this.#me.id) {
        void this.#offer(peerId, true);
      }
    }
  }

  async #offer(peerId: string, iceRestart: boolean): Promise<void> {
    const pc = this.#pc;
    if (!pc) return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    this.#send(peerId, { kind: "offer", sdp: offer.sdp ?? "" });
  }

  async #onSignal(from: string, signal: CallSignal): Promise<void> {
    const pc = this.#pc;
    if (!pc) return void this.#early.push({ from, signal });
    if (signal.kind === "candidate") {
      if (pc.remoteDescription) await pc.addIceCandidate(signal.candidate).catch(() => {});
      else this.#pending.push(signal.candidate);
      return;
    }
    await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
    for (const candidate of this.#pending.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => {});
    }
    if (signal.kind === "offer") {
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.#send(from, { kind: "answer", sdp: answer.sdp ?? "" });
    }
  }

  #send(to: string, signal: CallSignal): void {
    const shown = this.call.peek();
    if (shown) this.#client.sendCall({ type: "call_signal", call: shown.view.id, to, signal });
  }

  #stopMedia(): void {
    for (const track of this.localStream.peek()?.getTracks() ?? []) track.stop();
    this.#pc?.close();
    this.#pc = null;
    this.#pending = [];
    this.#early = [];
  }

  #clear(): void {
    this.#stopMedia();
    this.localStream.value = null;
    this.remoteStream.value = null;
    this.call.value = null;
  }
}

async function fetchIceServers(): Promise<{ iceServers: RTCIceServer[] }> {
  try {
    const response = await fetch("/api/calls/ice", { credentials: "same-origin" });
    if (response.ok) return await response.json();
  } catch {
    // Offline or refused: host candidates still connect peers on one network.
  }
  return { iceServers: [] };
}

/** `?relay` in the page's address forces TURN (to test the relay path). */
function icePolicy(): RTCIceTransportPolicy {
  return new URLSearchParams(location.search).has("relay") ? "relay" : "all";
}
