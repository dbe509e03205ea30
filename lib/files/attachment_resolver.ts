/**
 * Turns the file ids of a `send` frame into the {@linkcode Attachment}s stored with the
 * message, from the server's own records: the uploader's claim (they uploaded these bytes, in
 * the last day) gives the name, the file record the size, type and pixel size. A client names
 * files; it never states what they are, except a recording's length and waveform, which are
 * checked against the type found in its bytes and the configured longest length.
 *
 * @module
 */
import {
  type Attachment,
  type AttachmentRef,
  isInlineImage,
  THUMB_MAX_SIDE,
} from "../common/attachments.ts";
import type { Clock } from "../common/clock.ts";
import {
  DEFAULT_VIDEO_MAX_SECONDS,
  DEFAULT_VOICE_MAX_SECONDS,
  type RecordingLimits,
  recordingProblem,
} from "../common/recordings.ts";
import { keys } from "../kv/kv_keys.ts";
import type { FileClaim, FileRecord } from "./file_record.ts";
import { UPLOAD_TTL_MS } from "./uploads.ts";

/** Resolves attachment references for the sender. */
export class AttachmentResolver {
  #kv: Deno.Kv;
  #clock: Clock;
  #recordings: RecordingLimits;

  /**
   * Reads claims and file records from `kv`; a claim lasts {@linkcode UPLOAD_TTL_MS}.
   * `recordings` bounds the length of voice and video messages.
   */
  constructor(
    kv: Deno.Kv,
    clock: Clock,
    recordings: RecordingLimits = {
      voiceMaxSeconds: DEFAULT_VOICE_MAX_SECONDS,
      videoMaxSeconds: DEFAULT_VIDEO_MAX_SECONDS,
    },
  ) {
    this.#kv = kv;
    this.#clock = clock;
    this.#recordings = recordings;
  }

  /**
   * The attachments `userId` may send, in order; `undefined` when any is not theirs, not
   * stored, or a thumbnail that is not a small PNG, JPEG or WebP of an image; a string (why, in
   * English) when a recording's type or length is not one the server accepts.
   */
  async resolve(
    userId: string,
    refs: readonly AttachmentRef[],
  ): Promise<Attachment[] | string | undefined> {
    const found = await Promise.all(refs.map((ref) => this.#resolveOne(userId, ref)));
    if (!found.every((item) => item !== undefined)) return undefined;
    const resolved = found as Attachment[];
    for (const [index, attachment] of resolved.entries()) {
      const media = refs[index]!.media;
      if (!media) continue;
      const problem = recordingProblem(media, attachment.type, this.#recordings);
      if (problem) return problem;
      attachment.media = media.waveform ? { ...media, waveform: [...media.waveform] } : media;
    }
    return resolved;
  }

  async #resolveOne(userId: string, ref: AttachmentRef): Promise<Attachment | undefined> {
    const ids = ref.thumb ? [ref.id, ref.thumb] : [ref.id];
    const entries = await this.#kv.getMany<(FileClaim | FileRecord)[]>(
      ids.flatMap((id) => [keys.fileClaim(userId, id), keys.file(id)]),
    );
    const [claim, file, thumbClaim, thumb] = entries.map((entry) => entry.value) as [
      FileClaim | null,
      FileRecord | null,
      FileClaim | null | undefined,
      FileRecord | null | undefined,
    ];
    // KV expiry is lazy: a claim is honoured by its time, not by its presence alone.
    const oldest = this.#clock.now() - UPLOAD_TTL_MS;
    if (!claim || claim.at <= oldest || !file) return undefined;
    const attachment: Attachment = {
      id: file.id,
      name: claim.name,
      size: file.size,
      type: file.type,
      ...(file.width ? { width: file.width, height: file.height } : {}),
    };
    if (!ref.thumb) return attachment;
    const small = thumb?.width !== undefined && thumb.height !== undefined &&
      Math.max(thumb.width, thumb.height) <= THUMB_MAX_SIDE;
    if (!thumbClaim || thumbClaim.at <= oldest || !thumb || !small || thumb.type === "image/gif") {
      return undefined;
    }
    if (!isInlineImage(thumb.type) || !isInlineImage(file.type)) return undefined;
    return { ...attachment, thumb: { id: thumb.id, width: thumb.width!, height: thumb.height! } };
  }
}
