/**
 * The components kept out of the chat page's first-load JS, as lazily loaded stand-ins taking
 * the same props. They come in two chunks, each fetched the first time one of its components
 * renders: the message tools (`message_tools.ts`) and the sidebar's social parts
 * (`sidebar_extras.ts`). Each renders nothing (the message list: its shell) until its chunk has
 * arrived.
 *
 * @module
 */
import type { AttachmentDraftsProps } from "./AttachmentDrafts.tsx";
import type { CompletionListProps } from "./CompletionList.tsx";
import type { ConfirmDialogProps } from "./ConfirmDialog.tsx";
import type { DiscoverListProps } from "./DiscoverList.tsx";
import type { FriendListProps } from "./FriendList.tsx";
import { lazyComponent } from "./lazy_component.ts";
import type { MessageListProps } from "./MessageList.tsx";
import type { NotifyMenuProps } from "./NotifyMenu.tsx";
import MessagePaneShell from "./MessagePaneShell.tsx";
import NotifyMenuShell from "./NotifyMenuShell.tsx";
import type { ProfileCardProps } from "./ProfileCard.tsx";
import type { ReplyBannerProps } from "./ReplyBanner.tsx";
import type { RoomCallBarProps } from "./RoomCallBar.tsx";
import type { SearchLauncherProps } from "./SearchLauncher.tsx";
import type { ThemePickerProps } from "./ThemePicker.tsx";
import type { TypingIndicatorProps } from "./TypingIndicator.tsx";

const tools = () => import("./message_tools.ts");
const extras = () => import("./sidebar_extras.ts");

/** {@linkcode AttachmentDraftsProps}: the files waiting under the composer. */
export const AttachmentDrafts = lazyComponent<AttachmentDraftsProps>(() =>
  tools().then((m) => ({ default: m.AttachmentDrafts }))
);
/** {@linkcode CompletionListProps}: the composer's `@mention` and `:shortcode` suggestions. */
export const CompletionList = lazyComponent<CompletionListProps>(() =>
  tools().then((m) => ({ default: m.CompletionList }))
);
/** {@linkcode ReplyBannerProps}: the message being replied to, over the composer. */
export const ReplyBanner = lazyComponent<ReplyBannerProps>(() =>
  tools().then((m) => ({ default: m.ReplyBanner }))
);
/** {@linkcode TypingIndicatorProps}: who is typing in the room. */
export const TypingIndicator = lazyComponent<TypingIndicatorProps>(() =>
  tools().then((m) => ({ default: m.TypingIndicator }))
);
/** {@linkcode ConfirmDialogProps}: "Leave the room?", "Delete the message?". */
export const ConfirmDialog = lazyComponent<ConfirmDialogProps>(() =>
  tools().then((m) => ({ default: m.ConfirmDialog }))
);
/** {@linkcode SearchLauncherProps}: message search, its shortcuts and its dialog. */
export const SearchLauncher = lazyComponent<SearchLauncherProps>(() =>
  tools().then((m) => ({ default: m.SearchLauncher }))
);
/**
 * {@linkcode MessageListProps}: a room's messages. Until its chunk has come it shows
 * `MessagePaneShell`, which is also what the server renders.
 */
export const MessageList = lazyComponent<MessageListProps>(
  () => tools().then((m) => ({ default: m.MessageList })),
  MessagePaneShell,
);
/**
 * {@linkcode NotifyMenuProps}: the conversation's notification bell. Until its chunk has come
 * an empty button of the same size holds its place, so the header does not shift.
 */
export const NotifyMenu = lazyComponent<NotifyMenuProps>(
  () => tools().then((m) => ({ default: m.NotifyMenu })),
  NotifyMenuShell,
);
/** {@linkcode RoomCallBarProps}: "Call in progress, N people" with Join, under the header. */
export const RoomCallBar = lazyComponent<RoomCallBarProps>(() =>
  tools().then((m) => ({ default: m.RoomCallBar }))
);
/** {@linkcode DiscoverListProps}: public rooms to join. */
export const DiscoverList = lazyComponent<DiscoverListProps>(() =>
  extras().then((m) => ({ default: m.DiscoverList }))
);
/** {@linkcode FriendListProps}: friends, requests and people to add. */
export const FriendList = lazyComponent<FriendListProps>(() =>
  extras().then((m) => ({ default: m.FriendList }))
);
/** {@linkcode ThemePickerProps}: light, dark or the system's colours. */
export const ThemePicker = lazyComponent<ThemePickerProps>(() =>
  extras().then((m) => ({ default: m.ThemePicker }))
);
/** {@linkcode ProfileCardProps}: someone's profile, opened from their name or avatar. */
export const ProfileCard = lazyComponent<ProfileCardProps>(() =>
  extras().then((m) => ({ default: m.ProfileCard }))
);
