/**
 * The social parts of the chat, fetched together as one lazy chunk right after the first paint
 * (see `lazy_parts.ts`): Discover, the friend list, the theme picker and the profile card. The
 * first paint of a chat needs the conversation list and the open room, not these.
 *
 * @module
 */
export { default as DiscoverList } from "./DiscoverList.tsx";
export { default as FriendList } from "./FriendList.tsx";
export { default as ThemePicker } from "./ThemePicker.tsx";
export { default as ProfileCard } from "./ProfileCard.tsx";
