import { useState } from "preact/hooks";
import type {
  FriendLists,
  FriendRequestView,
  PresenceView,
  PublicProfile,
} from "../lib/common/api_types.ts";
import { relativeTime } from "../client/relative_time.ts";
import { type FriendAction, friendAction, sendRequest } from "../client/friend_actions_api.ts";
import { searchDirectory } from "../client/directory_api.ts";
import { errorText } from "../client/error_text.ts";
import Avatar from "./Avatar.tsx";
import PresenceDot from "./PresenceDot.tsx";
import { useI18n } from "./i18n_context.ts";
import { Ellipsis } from "./lazy_icons.ts";
import { Lock } from "./icons.ts";
import Icon from "./Icon.tsx";

/** Props of {@linkcode FriendList}. */
export interface FriendListProps {
  lists: FriendLists;
  /** Re-reads the lists after a change. */
  onChanged: () => void;
  /** Opens the conversation with a friend. */
  onMessage: (friend: PublicProfile) => void;
  /** Opens (or creates) the end-to-end encrypted secret chat with a friend. */
  onSecretChat?: (friend: PublicProfile) => void;
  /** Whether a friend is online; read from signals, so the dots update by themselves. */
  isOnline: (userId: string) => boolean;
  /** A friend's presence (away, "last seen"); read from signals too. */
  presenceOf?: (userId: string) => PresenceView;
  /** Opens someone's profile card (a search result). */
  onShowProfile?: (user: PublicProfile) => void;
}

/**
 * The sidebar's Friends section: find a user by exact username and send a request, incoming
 * requests (Accept, Decline), outgoing ones (Cancel), friends (Message, a "more" menu with Remove/Block) with
 * a green dot on each avatar while they are online, and the users the viewer blocked, folded
 * away under "Blocked" (Unblock).
 */
export default function FriendList(
  { lists, onChanged, onMessage, onSecretChat, isOnline, presenceOf, onShowProfile }:
    FriendListProps,
) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<PublicProfile | null>(null);
  const [results, setResults] = useState<readonly PublicProfile[] | null>(null);
  const [note, setNote] = useState("");
  const [menu, setMenu] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(errorText(t, failure));
    }
    onChanged();
  };
  const act = (action: FriendAction, user: PublicProfile) =>
    run(() => friendAction(action, user.name)).then(() => setMenu(null));
  const search = (event: Event) => {
    event.preventDefault();
    setFound(null);
    setResults(null);
    void run(async () => {
      // The directory lists people by name prefix; an exact username is offered at once.
      const people = await searchDirectory(query.trim());
      const exact = query.trim().toLowerCase();
      setResults(people);
      setFound(people.find((person) => person.name.toLowerCase() === exact) ?? null);
      if (people.length === 0) setError(t("directory.none"));
    });
  };
  const request = (user: PublicProfile) =>
    run(async () => {
      await sendRequest(user.name, note);
      setFound(null);
      setQuery("");
      setNote("");
    });

  return (
    <section class="friends" aria-label={t("friends.heading")}>
      <h3 class="sidebar-heading">{t("friends.heading")}</h3>
      <form class="friend-search" onSubmit={search}>
        <input
          data-testid="friend-search"
          placeholder={t("directory.search")}
          aria-label={t("directory.search")}
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="button small" data-testid="friend-search-submit">
          {t("friends.find")}
        </button>
      </form>
      {found && (
        <div class="friend-found" data-testid="friend-found">
          <Person user={found} />
          <input
            data-testid="friend-note"
            placeholder={t("friends.notePlaceholder")}
            aria-label={t("friends.note")}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <button
            type="button"
            class="button small"
            data-testid="send-friend-request"
            onClick={() => request(found)}
          >
            {t("friends.sendRequest")}
          </button>
        </div>
      )}
      {error !== null && <p class="error" role="alert">{error}</p>}
      {results && results.length > 0 && (
        <ul class="directory-results" aria-label={t("directory.results")}>
          {results.map((person) => (
            <li key={person.id}>
              <button
                type="button"
                class="directory-result"
                data-testid="directory-result"
                data-username={person.name}
                onClick={() => onShowProfile?.(person)}
              >
                <Person user={person} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <Requests
        items={lists.incoming}
        testId="incoming-request"
        title={t("friends.requests")}
        actions={[["accept", t("friends.accept")], ["decline", t("friends.decline")]]}
        act={act}
      />
      <Requests
        items={lists.outgoing}
        testId="outgoing-request"
        title={t("friends.sent")}
        actions={[["cancel", t("common.cancel")]]}
        act={act}
      />
      <ul class="friend-list">
        {lists.friends.map((friend) => (
          <li key={friend.id} data-testid="friend-item" data-username={friend.name}>
            <Person
              user={friend}
              online={isOnline(friend.id)}
              presence={presenceOf?.(friend.id)}
            />
            <button
              type="button"
              class="button small"
              data-testid="message-friend"
              onClick={() =>
                onMessage(friend)}
            >
              {t("friends.message")}
            </button>
            {onSecretChat && (
              <button
                type="button"
                class="link-button"
                data-testid="secret-chat-friend"
                aria-label={t("e2e.startSecretChat", { name: friend.displayName })}
                title={t("e2e.startSecretChat", { name: friend.displayName })}
                onClick={() => onSecretChat(friend)}
              >
                <Icon icon={Lock} />
              </button>
            )}
            <button
              type="button"
              class="link-button"
              aria-label={t("friends.more")}
              data-testid="friend-menu"
              onClick={() =>
                setMenu(menu === friend.id ? null : friend.id)}
            >
              <Icon icon={Ellipsis} />
            </button>
            {menu === friend.id && (
              <span class="friend-menu">
                <button
                  type="button"
                  data-testid="remove-friend"
                  onClick={() => act("remove", friend)}
                >
                  {t("friends.remove")}
                </button>
                <button
                  type="button"
                  data-testid="block-friend"
                  onClick={() =>
                    act("block", friend)}
                >
                  {t("friends.block")}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {lists.blocked.length > 0 && (
        <details class="blocked-users" data-testid="blocked-users">
          <summary class="sidebar-subheading">
            {t("friends.blocked", { count: lists.blocked.length })}
          </summary>
          <ul class="request-list">
            {lists.blocked.map((user) => (
              <li key={user.id} data-testid="blocked-user" data-username={user.name}>
                <Person user={user} />
                <button
                  type="button"
                  class="button small"
                  data-testid="unblock-user"
                  onClick={() =>
                    act("unblock", user)}
                >
                  {t("friends.unblock")}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Person(
  { user, online = false, presence }: {
    user: PublicProfile;
    online?: boolean;
    presence?: PresenceView | undefined;
  },
) {
  const { t, locale } = useI18n();
  const seen = presence?.status === "offline" ? presence.lastSeen : undefined;
  return (
    <span class="person">
      <span class="avatar-holder">
        <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} small />
        <PresenceDot online={online} away={presence?.status === "away"} />
      </span>
      <span class="person-text">
        <span class="person-name" data-testid="person-name" title={user.name}>
          {user.displayName}
        </span>
        {user.status && <span class="person-status">{user.status}</span>}
        {seen !== undefined && (
          <span class="person-status" data-testid="last-seen">
            {t("presence.lastSeen", { time: relativeTime(locale, seen) })}
          </span>
        )}
      </span>
    </span>
  );
}

interface RequestsProps {
  items: FriendRequestView[];
  testId: string;
  title: string;
  actions: [FriendAction, string][];
  act: (action: FriendAction, user: PublicProfile) => void;
}

function Requests({ items, testId, title, actions, act }: RequestsProps) {
  if (items.length === 0) return null;
  return (
    <>
      <h4 class="sidebar-subheading">{title}</h4>
      <ul class="request-list">
        {items.map(({ user, note }) => (
          <li key={user.id} data-testid={testId} data-username={user.name}>
            <Person user={user} />
            {note && <p class="request-note">{note}</p>}
            {actions.map(([action, label]) => (
              <button
                key={action}
                type="button"
                class="button small"
                data-testid={`${action}-request`}
                onClick={() => act(action, user)}
              >
                {label}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}
