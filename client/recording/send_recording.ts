/**
 * Sends a finished recording as a message: it shows at once in the timeline (pending), is
 * uploaded through the ordinary upload API (chunked, resumable, and waiting for the network
 * when offline or stalled), and is sent from the outbox once stored. The upload code is fetched on use.
 *
 * @module
 */
import type { Attachment } from "../../lib/common/attachments.ts";
import { recordingFileName, type RecordingMedia } from "../../lib/common/recordings.ts";
import type { Translate } from "../../lib/common/i18n/translate.ts";
import type { ChatClient } from "../chat_client.ts";
import { errorText } from "../error_text.ts";

/** A recording ready to send: the recorder's file and what was measured of it. */
export interface Recording {
  blob: Blob;
  media: RecordingMedia;
}

/**
 * Queues `recording` as a message to `room`. The bytes stay in this page's memory until
 * uploaded: a page closed before then loses them (its outbox entry then says so). An upload
 * the server refuses (too large, too many uploads) fails the entry with the reason in the
 * language of `t`.
 */
export function sendRecording(
  client: ChatClient,
  room: string,
  recording: Recording,
  t: Translate,
): void {
  const { blob, media } = recording;
  const name = recordingFileName(media.kind, blob.type, new Date());
  const shown: Attachment = {
    id: `pending-${name}`,
    name,
    size: blob.size,
    type: blob.type,
    media,
  };
  const upload = import("../uploads/upload_file.ts").then(async ({ uploadFile }) => {
    const stored = await uploadFile(blob, name, {
      signal: new AbortController().signal,
      onProgress: () => {},
      onWaiting: () => {},
      // A recording waits in the outbox as a text does: a stalled part is sent again at every
      // deadline until the network carries it. Failing would strand it (the bytes are not kept
      // for the outbox's retry).
      maxStalls: Infinity,
    });
    return [{ id: stored.id, name, size: stored.size, type: stored.type, media }];
  }).catch((error: unknown) => {
    // The outbox keeps a failure as text, which the timeline shows as it is: translated here,
    // in the recorder's chunk, so that first-load code carries no lookup of refusal codes.
    throw new Error(errorText(t, error));
  });
  client.sendUploading(room, [shown], upload);
}
