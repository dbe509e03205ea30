/**
 * Components kept out of the first-load JS: the build turns each `import()` into a chunk of its
 * own, fetched the first time the component is rendered.
 *
 * @module
 */
import { type ComponentType, h } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * Wraps a dynamically imported default-export component. It renders nothing (or `placeholder`)
 * until its chunk has arrived (a dialog opens a moment later, usually within one frame on a warm
 * cache), then the component with the same props. The chunk is fetched once and shared by every instance; a
 * fetch that fails (offline) is tried again when the browser is back online.
 *
 * @example
 * ```ts
 * const RoomSettings = lazyComponent(() => import("./RoomSettings.tsx"));
 * ```
 *
 * @param load The `import()` of a module whose default export is the component.
 * @param placeholder Rendered with the same props until the chunk has arrived, on the server
 * too: for a part that the server renders, so that hydration keeps its markup in place.
 * @returns A component that takes the same props.
 */
export function lazyComponent<P>(
  load: () => Promise<{ default: ComponentType<P> }>,
  placeholder?: ComponentType<P>,
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const get = () =>
    loading ??= load().then((module) => loaded = module.default, (error) => {
      loading = undefined;
      throw error;
    });
  return function Lazy(props: P) {
    const [component, setComponent] = useState(() => loaded);
    useEffect(() => {
      if (component) return;
      let live = true;
      const show = () =>
        get().then((found) => live && setComponent(() => found), () => {
          // The network went away before the chunk came (the page loaded, then the train
          // entered a tunnel): try again when it returns, rather than fail for good.
          if (live) addEventListener("online", show, { once: true });
        });
      void show();
      return () => {
        live = false;
        removeEventListener("online", show);
      };
    }, []);
    const shown = component ?? placeholder;
    // deno-lint-ignore no-explicit-any
    return shown ? h(shown as ComponentType<any>, props as any) : null;
  };
}
