import type { SearchHit } from "../lib/common/api_types.ts";
import { highlight, type HighlightPiece, type SearchQuery } from "../lib/common/search_query.ts";
import { formatDateTime } from "../client/format_date_time.ts";
import { useI18n } from "./i18n_context.ts";

/** Code units of text shown before the first matched word, at most. */
const LEAD_CHARS = 40;

/** Props of {@linkcode SearchHitButton}. */
export interface SearchHitButtonProps {
  hit: SearchHit;
  /** The query the hit answers: its words are marked. */
  query: SearchQuery;
  /** Opens the conversation at the message. */
  onOpen: (hit: SearchHit) => void;
}

/**
 * One search result: its conversation, author and time, and the message's text with the
 * matched words marked (`<mark>`, built as elements: user text is never HTML). A long text
 * starts a little before its first match.
 */
export default function SearchHitButton({ hit, query, onOpen }: SearchHitButtonProps) {
  const { locale } = useI18n();
  const pieces = lead(highlight(hit.text, query));
  const files = hit.files?.join(", ");
  return (
    <button
      type="button"
      class="search-hit"
      data-testid="search-hit"
      data-room={hit.room}
      data-seq={hit.seq}
      onClick={() => onOpen(hit)}
    >
      <span class="search-hit-head">
        <span class="search-hit-room">{`${hit.direct ? "@" : "#"} ${hit.roomName}`}</span>
        <span class="search-hit-author">{hit.author}</span>
        <time class="search-hit-time" dateTime={new Date(hit.at).toISOString()}>
          {formatDateTime(hit.at, locale)}
        </time>
      </span>
      <span class="search-hit-text">
        {pieces.map((piece, i) => piece.hit ? <mark key={i}>{piece.text}</mark> : piece.text)}
      </span>
      {files && <span class="search-hit-files">{files}</span>}
    </button>
  );
}

/** The pieces from a little before the first hit on, with "…" for what was left out. */
function lead(pieces: HighlightPiece[]): HighlightPiece[] {
  const first = pieces.findIndex((piece) => piece.hit);
  if (first < 1) return pieces;
  const before = pieces.slice(0, first).map((piece) => piece.text).join("");
  if (before.length <= LEAD_CHARS) return pieces;
  const kept = [...before].slice(-LEAD_CHARS).join("");
  return [{ text: `…${kept.trimStart()}`, hit: false }, ...pieces.slice(first)];
}
