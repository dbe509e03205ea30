import { useEffect, useState } from "preact/hooks";
import type { RoomDetails } from "../lib/common/api_types.ts";
import * as admin from "../client/room_admin_api.ts";
import { errorText } from "../client/error_text.ts";
import { useI18n } from "./i18n_context.ts";

/** What {@linkcode useRoomDetails} gives a view of one room's administration. */
export interface RoomDetailsView {
  /** The room, the caller's role, members and banned users; null until loaded. */
  details: RoomDetails | null;
  /** What the last load or action failed with, in the reader's language. */
  error: string | null;
  /** Sets or clears the shown error (a view's own failure). */
  setError: (error: string | null) => void;
  /**
   * Wraps an action: clears the error, runs it, reloads the details, and shows what failed.
   * The server checks every rule again, so a refused action leaves the details as they were.
   */
  run: (work: () => Promise<unknown>) => () => Promise<void>;
}

/**
 * Loads a room's details for the members panel, the invite and the settings dialogs, again
 * after each action run through it and whenever `version` changes (the panel passes the
 * room's newest system message, so joins, kicks and role changes show while it is open).
 */
export function useRoomDetails(roomId: string, version: unknown = 0): RoomDetailsView {
  const { t } = useI18n();
  const [details, setDetails] = useState<RoomDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (work: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await work();
      setDetails(await admin.roomDetails(roomId));
    } catch (failure) {
      setError(errorText(t, failure));
    }
  };
  useEffect(() => void run(async () => {})(), [roomId, version]);
  return { details, error, setError, run };
}
