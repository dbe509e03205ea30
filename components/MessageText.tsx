/**
 * How a message's text shows: the safe Markdown subset of `client/markdown_tree.ts` rendered as
 * Preact elements (never HTML), links opening in a new tab without access to this page, and
 * `@username` mentions highlighted (strongly when they name the reader).
 *
 * The parser (marked, about 15 KB gzipped) is a lazy chunk, fetched when the first message
 * list renders. Until it has arrived, a text that could hold markup shows as typed; plain texts
 * (most of them) never wait for it.
 *
 * @module
 */
import type { ComponentChild } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { MdNode } from "../client/markdown_tree.ts";

type Parser = typeof import("../client/markdown_tree.ts");

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Starts fetching the Markdown parser (once); resolves with it. */
export function loadMarkdown(): Promise<Parser> {
  return loading ??= import("../client/markdown_tree.ts").then((module) => parser = module);
}

/** Props of {@linkcode MessageText}. */
export interface MessageTextProps {
  /** The message text as sent. */
  text: string;
  /** Lower-cased username of the reader: `@` it is highlighted strongly when `mentionsMe`. */
  self?: string;
  /** Whether the server recorded the reader among the users this message mentions. */
  mentionsMe?: boolean;
  /** Whether a lower-cased name is a member of the room (then its mention is highlighted). */
  isMember?: (name: string) => boolean;
}

/** A message's formatted text, as a `<div class="message-text">`. */
export default function MessageText({ text, self, mentionsMe, isMember }: MessageTextProps) {
  const [ready, setReady] = useState(parser !== undefined);
  useEffect(() => {
    if (!ready) void loadMarkdown().then(() => setReady(true), () => {});
  }, []);
  const plain = !ready || !parser!.mayHaveMarkup(text);
  const mention = (name: string) => {
    const lower = name.toLowerCase();
    if (mentionsMe && lower === self) return "mention mention-me";
    return isMember?.(lower) ? "mention" : undefined;
  };
  return (
    <div class="message-text" data-testid="message-text">
      {plain ? <p>{text}</p> : render(parser!.parseMarkdown(text), mention)}
    </div>
  );
}

type MentionClass = (name: string) => string | undefined;

function render(nodes: MdNode[], mention: MentionClass): ComponentChild[] {
  return nodes.map((node, index) => renderNode(node, index, mention));
}

function renderNode(node: MdNode, key: number, mention: MentionClass): ComponentChild {
  switch (node.type) {
    case "text":
      return node.text;
    case "mention": {
      const name = mention(node.name);
      return name ? <span key={key} class={name}>@{node.name}</span> : `@${node.name}`;
    }
    case "br":
      return <br key={key} />;
    case "code":
      return <code key={key}>{node.text}</code>;
    case "codeblock":
      return <pre key={key}><code>{node.text}</code></pre>;
    case "strong":
      return <strong key={key}>{render(node.children, mention)}</strong>;
    case "em":
      return <em key={key}>{render(node.children, mention)}</em>;
    case "del":
      return <del key={key}>{render(node.children, mention)}</del>;
    case "paragraph":
      return <p key={key}>{render(node.children, mention)}</p>;
    case "quote":
      return <blockquote key={key}>{render(node.children, mention)}</blockquote>;
    case "link":
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
          {render(node.children, mention)}
        </a>
      );
    case "list": {
      const items = node.items.map((item, i) => <li key={i}>{render(item, mention)}</li>);
      return node.ordered
        ? <ol key={key} start={node.start}>{items}</ol>
        : <ul key={key}>{items}</ul>;
    }
  }
}
