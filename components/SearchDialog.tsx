import { useEffect, useRef, useState } from "preact/hooks";
import { searchMessages, type SearchParams } from "../client/search_api.ts";
import { errorText } from "../client/error_text.ts";
import type { SearchHit } from "../lib/common/api_types.ts";
import { parseQuery, queryProblemText, type SearchQuery } from "../lib/common/search_query.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";
import SearchHitButton from "./SearchHitButton.tsx";

/** Wait after the last keystroke before searching (the server allows 2 searches a second). */
const DEBOUNCE_MS = 300;

/** Props of {@linkcode SearchDialog}. */
export interface SearchDialogProps {
  /** The conversation it was opened from, offered as the "only this conversation" filter. */
  room?: { id: string; name: string };
  /** Opens the conversation at a result's message (and closes the dialog). */
  onOpen: (hit: SearchHit) => void;
  onClose: () => void;
}

/** Results shown and how to get more. */
interface Results {
  query: SearchQuery;
  hits: SearchHit[];
  cursor?: string;
}

/**
 * Message search: a box that searches as you type (after a pause), filters (this
 * conversation, sender, has a file or image, a date range), and the results newest first,
 * each opening its conversation at the message. Loaded on first open (see `ChatApp`).
 */
export default function SearchDialog({ room, onOpen, onClose }: SearchDialogProps) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [inRoom, setInRoom] = useState(room !== undefined);
  const [from, setFrom] = useState("");
  const [has, setHas] = useState<"" | "file" | "image">("");
  const [after, setAfter] = useState("");
  const [before, setBefore] = useState("");
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const parsed = parseQuery(q);
  const problem = typeof parsed === "string" && q.trim() !== "" && parsed !== "tooShort"
    ? queryProblemText(parsed)
    : null;

  const params = (cursor?: string): SearchParams => ({
    q,
    room: inRoom ? room?.id : undefined,
    from: from.trim(),
    has: has || undefined,
    // A day from the date inputs, in local time: "after" counts from its start, "before"
    // stops at it.
    after: after ? new Date(`${after}T00:00`).getTime() - 1 : undefined,
    before: before ? new Date(`${before}T00:00`).getTime() : undefined,
    cursor,
  });

  const run = async (query: SearchQuery, cursor?: string) => {
    const mine = ++generation.current;
    setBusy(true);
    setError(null);
    try {
      const page = await searchMessages(params(cursor));
      if (mine !== generation.current) return;
      setResults((shown) => ({
        query,
        hits: cursor && shown ? [...shown.hits, ...page.hits] : page.hits,
        cursor: page.nextCursor,
      }));
    } catch (failure) {
      if (mine === generation.current) setError(errorText(t, failure));
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  };

  useEffect(() => {
    generation.current++;
    if (typeof parsed === "string") {
      setResults(null);
      setBusy(false);
      return;
    }
    const timer = setTimeout(() => void run(parsed), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q, inRoom, from, has, after, before]);

  return (
    <Dialog title={t("search.label")} onClose={onClose} testId="search-dialog" class="search">
      <input
        type="search"
        class="search-input"
        data-testid="search-input"
        aria-label={t("search.label")}
        placeholder={t("search.placeholder")}
        value={q}
        autoFocus
        enterKeyHint="search"
        onInput={(event) => setQ(event.currentTarget.value)}
      />
      <div class="search-filters">
        {room && (
          <label class="search-filter-check">
            <input
              type="checkbox"
              data-testid="search-in-room"
              checked={inRoom}
              onChange={(event) => setInRoom(event.currentTarget.checked)}
            />
            {`${t("search.inRoom")} (${room.name})`}
          </label>
        )}
        <label>
          {t("search.from")}
          <input
            value={from}
            placeholder={t("search.fromPlaceholder")}
            data-testid="search-from"
            onInput={(event) => setFrom(event.currentTarget.value)}
          />
        </label>
        <label>
          {t("search.has")}
          <select
            value={has}
            data-testid="search-has"
            onChange={(event) => setHas(event.currentTarget.value as "" | "file" | "image")}
          >
            <option value="">{t("search.hasAny")}</option>
            <option value="file">{t("search.hasFile")}</option>
            <option value="image">{t("search.hasImage")}</option>
          </select>
        </label>
        <label>
          {t("search.after")}
          <input type="date" value={after} onInput={(e) => setAfter(e.currentTarget.value)} />
        </label>
        <label>
          {t("search.before")}
          <input type="date" value={before} onInput={(e) => setBefore(e.currentTarget.value)} />
        </label>
      </div>
      <div class="search-results" aria-live="polite" aria-busy={busy}>
        {problem && <p class="search-note" role="alert">{t(problem.code, problem.params)}</p>}
        {error !== null && <p class="error" role="alert">{error}</p>}
        {!results && !problem && <p class="search-note">{t("search.hint")}</p>}
        {results && results.hits.length === 0 && !busy && (
          <p class="search-note" data-testid="search-none">{t("search.none")}</p>
        )}
        {results && results.hits.length > 0 && (
          <ul class="search-hits" aria-label={t("search.results")}>
            {results.hits.map((hit) => (
              <li key={`${hit.room}/${hit.seq}`}>
                <SearchHitButton hit={hit} query={results.query} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        )}
        {busy && <p class="search-note">{t("search.searching")}</p>}
        {results?.cursor && !busy && (
          <button
            type="button"
            class="button secondary small"
            data-testid="search-more"
            onClick={() => void run(results.query, results.cursor)}
          >
            {t("search.more")}
          </button>
        )}
      </div>
    </Dialog>
  );
}
