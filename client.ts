/**
 * Browser bundle entry: hydrates every server-rendered island. An island is an element with
 * `data-island="<Name>"` whose next sibling is `<script type="application/json"
 * data-island-props>` holding its props (written by the server's `Island` component).
 *
 * @module
 */
import { type ComponentChild, h, hydrate } from "preact";
import ChatApp, { type ChatAppProps } from "./islands/ChatApp.tsx";

// Props come from JSON the server serialized from the island's own props type.
const islands: Record<string, (props: unknown) => ComponentChild> = {
  ChatApp: (props) => h(ChatApp, props as ChatAppProps),
};

for (const element of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = element.dataset.island ?? "";
  const island = Object.hasOwn(islands, name) ? islands[name] : undefined;
  if (!island) {
    console.error(`No island named "${name}" in this bundle.`);
    continue;
  }
  const data = element.nextElementSibling;
  const json = data?.matches("script[data-island-props]") ? data.textContent : null;
  hydrate(island(JSON.parse(json || "{}")), element);
}
