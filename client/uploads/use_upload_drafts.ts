/**
 * The room pane's {@linkcode UploadDrafts}, from a chunk of their own fetched right after the
 * first paint: nobody attaches a file in the first moment, and the drafts are not first-load
 * JS (the chat page's 30 KB gzip budget).
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { UploadDrafts } from "./upload_drafts.ts";

let loading: Promise<typeof import("./upload_drafts.ts")> | undefined;

/**
 * One {@linkcode UploadDrafts} for the component's life, once its chunk has arrived;
 * `undefined` before (and on the server). A fetch that fails (offline) is tried again when the
 * browser is back online.
 *
 * @example
 * ```tsx
 * const drafts = useUploadDrafts();
 * return <Composer drafts={drafts} … />;
 * ```
 *
 * @returns The drafts, or `undefined` while their chunk is on its way.
 */
export function useUploadDrafts(): UploadDrafts | undefined {
  const [drafts, setDrafts] = useState<UploadDrafts>();
  useEffect(() => {
    let live = true;
    const load = () =>
      (loading ??= import("./upload_drafts.ts")).then(
        (module) => live && setDrafts(new module.UploadDrafts()),
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
  return drafts;
}
