import type { ComponentType } from "preact";

/** Props of {@linkcode Island}. */
export interface IslandProps<P> {
  /** Name the browser bundle registers the component under. */
  name: string;
  component: ComponentType<P>;
  props: P;
}

/**
 * Renders an island on the server and leaves what the browser needs to hydrate it: the
 * rendered markup in a `data-island` element and its props as JSON in the next element (a
 * data block, not a script, so the CSP forbidding inline script holds).
 */
export function Island<P>({ name, component: Component, props }: IslandProps<P>) {
  // "<" is escaped so user text in the props can never close the data block.
  const json = JSON.stringify(props).replaceAll("<", "\\u003c");
  return (
    <>
      <div data-island={name} class="island">
        <Component {...(props as P & object)} />
      </div>
      <script
        type="application/json"
        data-island-props
        dangerouslySetInnerHTML={{ __html: json }}
      />
    </>
  );
}
