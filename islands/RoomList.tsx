import type { ComponentChildren } from "preact";
import type { DirectRoom, RoomSummary } from "../lib/common/api_types.ts";
import { roomHash } from "../client/room_hash.ts";
import Avatar from "./Avatar.tsx";
import LoadMore from "./LoadMore.tsx";

/** Props of {@linkcode RoomList}. */
export interface RoomListProps {
  /** Rooms the user is in. */
  joined: readonly RoomSummary[];
  /** The user's direct conversations. */
  direct: readonly DirectRoom[];
  /** Public rooms the user can join (the pages loaded so far). */
  discover: readonly RoomSummary[];
  /** True when more public rooms can be loaded. */
  hasMoreDiscover: boolean;
  /** True while the next Discover page loads. */
  loadingDiscover: boolean;
  /** Loads the next Discover page. */
  onMoreDiscover: () => void;
  /** Id of the room shown in the main pane. */
  selected: string | null;
  /** Unread count of a room; read from signals, so the list updates by itself. */
  unreadOf: (id: string) => number;
  /** Shows a room. */
  onSelect: (id: string) => void;
  /** Joins a discovered room. */
  onJoin: (id: string) => void;
  /** Id of the room being joined, if any. */
  joining: string | null;
  /** Why the last join failed, if it did. */
  error: string | null;
  /** Shown instead of the "Your rooms" and "Direct messages" lists when given. */
  conversations?: ComponentChildren;
}

/**
 * The sidebar's "Your rooms" and "Direct messages" lists with unread badges, and "Discover"
 * with Join buttons and a "More rooms" button while more pages remain.
 */
export default function RoomList(props: RoomListProps) {
  const { joined, direct, discover, selected, unreadOf, onSelect, onJoin, joining, error } = props;
  const link = (id: string, label: string, room?: RoomSummary) => {
    const unread = id === selected ? 0 : unreadOf(id);
    return (
      <a
        href={roomHash(id)}
        class={id === selected ? "room-link selected" : "room-link"}
        aria-current={id === selected ? "page" : undefined}
        onClick={() => onSelect(id)}
      >
        {room && <Avatar id={room.id} name={room.name} url={room.avatarUrl} small />}
        <span class="room-name">{label}</span>
        {unread > 0 && (
          <span class="badge" aria-label={`${unread} unread`}>
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </a>
    );
  };
  return (
    <nav class="room-lists" aria-label="Rooms">
      {props.conversations ?? <h3 class="sidebar-heading">Your rooms</h3>}
      {props.conversations !== undefined
        ? null
        : joined.length === 0
        ? <p class="sidebar-empty">You have not joined any room.</p>
        : (
          <ul class="room-list">
            {joined.map((room) => (
              <li key={room.id} data-testid="room-item" data-room-id={room.id}>
                {link(room.id, `# ${room.name}`, room)}
              </li>
            ))}
          </ul>
        )}
      {props.conversations === undefined && direct.length > 0 && (
        <>
          <h3 class="sidebar-heading">Direct messages</h3>
          <ul class="room-list">
            {direct.map((dm) => (
              <li key={dm.id} data-testid="dm-item" data-room-id={dm.id}>
                {link(dm.id, `@ ${dm.peer.displayName}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 class="sidebar-heading">Discover</h3>
      {discover.length === 0
        ? <p class="sidebar-empty">No other public rooms.</p>
        : (
          <ul class="discover-list">
            {discover.map((room) => (
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
                  {joining === room.id ? "Joining…" : "Join"}
                </button>
              </li>
            ))}
          </ul>
        )}
      {props.hasMoreDiscover && (
        <LoadMore
          label="More rooms"
          loading={props.loadingDiscover}
          onLoad={props.onMoreDiscover}
          testId="more-discover"
        />
      )}
      {error !== null && <p class="error" role="alert">{error}</p>}
    </nav>
  );
}
