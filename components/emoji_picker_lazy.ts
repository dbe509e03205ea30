/**
 * The emoji picker as a lazily loaded component: its code and data are fetched on first open,
 * not with the page. Render `<LazyEmojiPicker onPick={…} onClose={…} />` while it is open; it
 * takes {@linkcode EmojiPickerProps} (`onPick(emoji)` receives the emoji as a string).
 *
 * @module
 */
import type { EmojiPickerProps } from "./EmojiPicker.tsx";
import { lazyComponent } from "./lazy_component.ts";

export type { EmojiPickerProps };

/** {@linkcode EmojiPickerProps}: the picker, fetched with its data the first time it renders. */
export const LazyEmojiPicker = lazyComponent<EmojiPickerProps>(() => import("./EmojiPicker.tsx"));
