import { useState } from "preact/hooks";
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "../lib/common/api_types.ts";
import { roomNameProblem, roomTopicFits } from "../lib/common/room_rules.ts";
import { errorText } from "../client/error_text.ts";
import type { NewRoomKind } from "../client/room_calls_api.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode NewRoomForm}. */
export interface NewRoomFormProps {
  /** Creates the room; a rejection's message is shown under the form. */
  onCreate: (name: string, topic: string, kind: NewRoomKind) => Promise<void>;
  /** Closes the dialog without creating a room. */
  onClose: () => void;
}

/**
 * The New room dialog: a name, an optional topic, who can join and, for a private room,
 * whether it is end-to-end encrypted (a public one cannot be: anyone could join and read, so
 * the box is off and says why). The owner closes it after `onCreate` resolves; a refusal is
 * shown in it.
 */
export default function NewRoomForm({ onCreate, onClose }: NewRoomFormProps) {
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [visibility, setVisibility] = useState<"public" | "private">("public");
  const [encrypted, setEncrypted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useI18n();

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    const nameProblem = roomNameProblem(trimmed);
    if (nameProblem === "empty") return setError(t("newRoom.nameRequired"));
    if (nameProblem === "too_long") {
      return setError(t("newRoom.nameTooLong", { max: MAX_ROOM_NAME_CHARS }));
    }
    if (!roomTopicFits(topic.trim())) {
      return setError(t("newRoom.topicTooLong", { max: MAX_ROOM_TOPIC_CHARS }));
    }
    setBusy(true);
    setError(null);
    try {
      await onCreate(
        trimmed,
        topic.trim(),
        encrypted && visibility === "private" ? "encrypted" : visibility,
      );
      setName("");
      setTopic("");
    } catch (failure) {
      setError(errorText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t("newRoom.heading")} onClose={onClose} testId="new-room-dialog">
      <form class="new-room" onSubmit={submit}>
        <input
          data-testid="new-room-name"
          aria-label={t("newRoom.nameLabel")}
          placeholder={t("newRoom.namePlaceholder")}
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
          required
        />
        <input
          data-testid="new-room-topic"
          aria-label={t("newRoom.topic")}
          placeholder={t("newRoom.topic")}
          value={topic}
          onInput={(event) => setTopic(event.currentTarget.value)}
        />
        <select
          data-testid="new-room-visibility"
          aria-label={t("newRoom.visibility")}
          value={visibility}
          onChange={(event) =>
            setVisibility(event.currentTarget.value === "private" ? "private" : "public")}
        >
          <option value="public">{t("newRoom.public")}</option>
          <option value="private">{t("newRoom.private")}</option>
        </select>
        <label class="new-room-encrypted">
          <input
            type="checkbox"
            data-testid="new-room-encrypted"
            checked={encrypted && visibility === "private"}
            disabled={visibility !== "private"}
            onChange={(event) => setEncrypted(event.currentTarget.checked)}
          />
          {t("newRoom.encrypted")}
        </label>
        <p class="muted">
          {t(visibility === "private" ? "newRoom.encryptedHint" : "newRoom.encryptedPublic")}
        </p>
        <button type="submit" class="button" data-testid="create-room" disabled={busy}>
          {t(busy ? "newRoom.creating" : "newRoom.create")}
        </button>
        {error !== null && <p class="error" role="alert">{error}</p>}
      </form>
    </Dialog>
  );
}
