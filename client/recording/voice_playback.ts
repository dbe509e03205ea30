/**
 * Voice messages played on this page: only one plays at a time, and when one ends the next
 * unplayed voice message of the same room plays after it, as in WeChat. Which messages a
 * reader has played is kept on this device (localStorage), not on the server: it is a hint
 * for the reader alone, and a server copy would cost a write per play for every reader.
 *
 * @module
 */
/** A mounted voice player, as the coordinator sees it. */
export interface VoiceSlot {
  room: string;
  seq: number;
  /** Starts playing from where it is. */
  play(): void;
  /** Pauses. */
  pause(): void;
}

/** Most played messages remembered; older marks are dropped first. */
const REMEMBERED = 2_000;
const STORAGE_KEY = "chat.voicePlayed.v1";

const slots = new Set<VoiceSlot>();
let playing: VoiceSlot | undefined;
/**
 * Played messages as `room/seq`, oldest first. Only the player that starts playing changes
 * its mark, and it redraws itself then, so no signal is needed (nor its chunk shared).
 */
let played: ReadonlySet<string> = readPlayed();

/** Registers a player while mounted; returns its removal. */
export function addVoiceSlot(slot: VoiceSlot): () => void {
  slots.add(slot);
  return () => {
    slots.delete(slot);
    if (playing === slot) playing = undefined;
  };
}

/** Called when `slot` starts playing: pauses any other and marks it played. */
export function startedPlaying(slot: VoiceSlot): void {
  if (playing && playing !== slot) playing.pause();
  playing = slot;
  markPlayed(slot.room, slot.seq);
}

/** Called when `slot` plays to its end: the next unplayed voice message of its room plays. */
export function finishedPlaying(slot: VoiceSlot): void {
  if (playing === slot) playing = undefined;
  let next: VoiceSlot | undefined;
  for (const other of slots) {
    if (other.room !== slot.room || other.seq <= slot.seq || isPlayed(other.room, other.seq)) {
      continue;
    }
    if (!next || other.seq < next.seq) next = other;
  }
  next?.play();
}

/** Whether the reader has played the voice message at `seq` on this device. */
export function isPlayed(room: string, seq: number): boolean {
  return played.has(`${room}/${seq}`);
}

function markPlayed(room: string, seq: number): void {
  const key = `${room}/${seq}`;
  if (played.has(key)) return;
  const next = [...played, key].slice(-REMEMBERED);
  played = new Set(next);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage full or blocked: the mark holds for this page.
  }
}

function readPlayed(): ReadonlySet<string> {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    const data: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(data) ? data.filter((item) => typeof item === "string") : []);
  } catch {
    return new Set();
  }
}
