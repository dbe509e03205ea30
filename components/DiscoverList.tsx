import type { RoomSummary } from "../lib/common/api_types.ts";
import Avatar from "./Avatar.tsx";
import LoadMore from "./LoadMore.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode DiscoverList}. */
export interface DiscoverListProps {
  /** Public rooms the user can join (the pages loaded so far). */
  rooms: readonly RoomSummary[];
  /** True when more public rooms can be loaded. */
  hasMore: boolean;
  /** True while the next page loads. */
  loading: boolean;
  /** Loads the next page. */
  onMore: () => void;
  /** Joins a room. */
  onJoin: (id: string) => void;
  /** Id of the room being joined, if any: every Join button waits meanwhile. */
  joining: string | null;
}

/** The sidebar's "Discover": public rooms with Join buttons, and "More rooms" while pages remain. */
export default function DiscoverList(props: DiscoverListProps) {
  const { rooms, onJoin, joining } = props;
  const { t } = useI18n();
  return (
    <>
      <h3 class="sidebar-heading">{t("discover.heading")}</h3>
      {rooms.length === 0
        ? <p class="sidebar-empty">{t("discover.empty")}</p>
        : (
          <ul class="discover-list">
            {rooms.map((room) => (
              <li key={room.id} data-testid="discover-item" data-room-id={room.id}>
                <Avatar id={room.id} name={room.name} url={room.avatarUrl} small />
                <div class="discover-text">
                  <span class="room-name"># {room.name}</span>
                  {room.topic && <span class="discover-topic">{room.topic}</span>}
                </div>
                <button
                  type="button"
                  class="button small"
                  data-testid="join-room"
                  disabled={joining !== null}
                  onClick={() =>
                    onJoin(room.id)}
                >
                  {t(joining === room.id ? "discover.joining" : "discover.join")}
                </button>
              </li>
            ))}
          </ul>
        )}
      {props.hasMore && (
        <LoadMore
          label={t("discover.more")}
          loading={props.loading}
          onLoad={props.onMore}
          testId="more-discover"
        />
      )}
    </>
  );
}
