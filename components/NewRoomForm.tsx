import { useState } from "preact/hooks";
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "../lib/common/api_types.ts";
import { roomNameProblem, roomTopicFits } from "../lib/common/room_rules.ts";

/** Props of {@linkcode NewRoomForm}. */
export interface NewRoomFormProps {
  /** Creates the room; a rejection's message is shown under the form. */
  onCreate: (name: string, topic: string, visibility: "public" | "private") => Promise<void>;
}

/** The sidebar form that creates a room from a name and an optional topic. */
export default function NewRoomForm({ onCreate }: NewRoomFormProps) {
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [visibility, setVisibility] = useState<"public" | "private">("public");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    const nameProblem = roomNameProblem(trimmed);
    if (nameProblem === "empty") return setError("Give the room a name.");
    if (nameProblem === "too_long") {
      return setError(`Names are at most ${MAX_ROOM_NAME_CHARS} characters.`);
    }
    if (!roomTopicFits(topic.trim())) {
      return setError(`Topics are at most ${MAX_ROOM_TOPIC_CHARS} characters.`);
    }
    setBusy(true);
    setError(null);
    try {
      await onCreate(trimmed, topic.trim(), visibility);
      setName("");
      setTopic("");
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="new-room" onSubmit={submit}>
      <h3 class="sidebar-heading">New room</h3>
      <input
        data-testid="new-room-name"
        aria-label="Room name"
        placeholder="Name"
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
        required
      />
      <input
        data-testid="new-room-topic"
        aria-label="Topic (optional)"
        placeholder="Topic (optional)"
        value={topic}
        onInput={(event) => setTopic(event.currentTarget.value)}
      />
      <select
        data-testid="new-room-visibility"
        aria-label="Who can join"
        value={visibility}
        onChange={(event) =>
          setVisibility(event.currentTarget.value === "private" ? "private" : "public")}
      >
        <option value="public">Public: anyone can find and join</option>
        <option value="private">Private: invite only</option>
      </select>
      <button type="submit" class="button" data-testid="create-room" disabled={busy}>
        {busy ? "Creating…" : "Create room"}
      </button>
      {error !== null && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
