/**
 * The room pane's {@linkcode UploadDrafts}, from a chunk of their own fetched right after the
 * first paint, so that they are not first-load JS (the chat page's 30 KB gzip budget). A file
 * attached before the chunk has come waits for it: {@linkcode LazyDrafts.ready}.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { UploadDrafts } from "./upload_drafts.ts";

/** The drafts once loaded, and a promise of them for what comes before. */
export interface LazyDrafts {
  /** The drafts, once their chunk has arrived (never on the server). */
  current: UploadDrafts | undefined;
  /** Resolves with the drafts when their chunk has arrived. */
  ready: Promise<UploadDrafts>;
}

let loading: Promise<typeof import("./upload_drafts.ts")> | undefined;

/**
 * One {@linkcode UploadDrafts} for the component's life. Its chunk is fetched after the first
 * render; a fetch that fails (offline) is tried again when the browser is back online.
 *
 * @example
 * ```tsx
 * const drafts = useUploadDrafts();
 * void drafts.ready.then((loaded) => loaded.add(roomId, files));
 * ```
 *
 * @returns The drafts (`current` is undefined until their chunk has arrived).
 */
export function useUploadDrafts(): LazyDrafts {
  const [pending] = useState(() => {
    let resolve!: (drafts: UploadDrafts) => void;
    const ready = new Promise<UploadDrafts>((done) => resolve = done);
    return { ready, resolve };
  });
  const [current, setCurrent] = useState<UploadDrafts>();
  useEffect(() => {
    let live = true;
    const load = () =>
      (loading ??= import("./upload_drafts.ts")).then(
        (module) => {
          if (!live) return;
          const drafts = new module.UploadDrafts();
          pending.resolve(drafts);
          setCurrent(drafts);
        },
        () => {
          loading = undefined;
          if (live) addEventListener("online", load, { once: true });
        },
      );
    void load();
    return () => {
      live = false;
      removeEventListener("online", load);
    };
  }, []);
  return { current, ready: pending.ready };
}
