/**
 * The safe Markdown subset of messages as a tree of plain data: bold, italic, strikethrough,
 * inline code, code blocks, quotes, lists, links (http, https and mailto only; bare URLs are
 * linked too) and `@username` mentions. Parsed by `marked`'s lexer (GFM), then copied into
 * {@linkcode MdNode}s; everything outside the subset (headings, raw HTML, images, tables, rules)
 * comes back as its source text, so nothing the sender typed can become markup. The tree holds
 * only strings: `components/MessageText.tsx` turns it into Preact elements, never into HTML.
 *
 * Lazily loaded: marked is about 15 KB gzipped, too much for the first-load budget.
 *
 * @module
 */
import { Lexer, type Token, type Tokens } from "marked";
import { MENTION_PATTERN } from "../lib/common/mentions.ts";

/** One node of a formatted message. */
export type MdNode =
  | { type: "text"; text: string }
  | { type: "mention"; name: string }
  | { type: "br" }
  | { type: "code"; text: string }
  | { type: "codeblock"; text: string }
  | { type: "strong" | "em" | "del" | "paragraph" | "quote"; children: MdNode[] }
  | { type: "link"; href: string; children: MdNode[] }
  | { type: "list"; ordered: boolean; start: number; items: MdNode[][] };

/** URL schemes a link may have; anything else is shown as text. */
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** Nesting deeper than this is shown as text, so a crafted message cannot blow the stack. */
const MAX_DEPTH = 12;

/**
 * Parses message text into the safe subset. Never throws; a line break is a line break.
 *
 * @example
 * ```ts
 * parseMarkdown("**hi** @bob");
 * // [{ type: "paragraph", children: [
 * //   { type: "strong", children: [{ type: "text", text: "hi" }] },
 * //   { type: "text", text: " " }, { type: "mention", name: "bob" }] }]
 * ```
 */
export function parseMarkdown(text: string): MdNode[] {
  try {
    return blocks(Lexer.lex(text, { gfm: true, breaks: true }), 0);
  } catch {
    return [{ type: "paragraph", children: withMentions(text) }];
  }
}

/**
 * The link target when `href` is an absolute http(s) or mailto URL, else `undefined`.
 *
 * @example
 * ```ts
 * safeHref("https://deno.com"); // "https://deno.com/"
 * safeHref("javascript:alert(1)"); // undefined
 * ```
 */
export function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `text` could hold anything {@linkcode parseMarkdown} formats (else it is plain). */
export function mayHaveMarkup(text: string): boolean {
  return /[*_~`>[\]@<&\\#|!]|^\s*(?:[-+]|\d+[.)])\s|:\/\/|www\.|mailto:/m.test(text);
}

function blocks(tokens: Token[], depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const token of tokens) {
    if (depth > MAX_DEPTH) {
      out.push({ type: "paragraph", children: withMentions(token.raw) });
      continue;
    }
    switch (token.type) {
      case "space":
        break;
      case "paragraph":
      case "text": {
        const t = token as Tokens.Paragraph | Tokens.Text;
        const children = t.tokens ? inline(t.tokens, depth + 1) : withMentions(t.text);
        out.push({ type: "paragraph", children });
        break;
      }
      case "code":
        out.push({ type: "codeblock", text: (token as Tokens.Code).text });
        break;
      case "blockquote":
        out.push({
          type: "quote",
          children: blocks((token as Tokens.Blockquote).tokens, depth + 1),
        });
        break;
      case "list": {
        const list = token as Tokens.List;
        const start = typeof list.start === "number" && Number.isSafeInteger(list.start)
          ? list.start
          : 1;
        const items = list.items.map((item) => blocks(item.tokens, depth + 1));
        out.push({ type: "list", ordered: list.ordered, start, items });
        break;
      }
      default:
        // Headings, raw HTML, tables, rules, definitions: outside the subset, shown as typed.
        out.push({ type: "paragraph", children: withMentions(token.raw.replace(/\n+$/, "")) });
    }
  }
  return out;
}

function inline(tokens: Token[], depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const token of tokens) {
    if (depth > MAX_DEPTH) {
      out.push(...withMentions(token.raw));
      continue;
    }
    switch (token.type) {
      case "text": {
        const t = token as Tokens.Text;
        out.push(...(t.tokens ? inline(t.tokens, depth + 1) : withMentions(t.text)));
        break;
      }
      case "escape":
        out.push({ type: "text", text: (token as Tokens.Escape).text });
        break;
      case "strong":
      case "em":
      case "del":
        out.push({
          type: token.type,
          children: inline((token as Tokens.Strong).tokens, depth + 1),
        });
        break;
      case "codespan":
        out.push({ type: "code", text: (token as Tokens.Codespan).text });
        break;
      case "br":
        out.push({ type: "br" });
        break;
      case "link": {
        const link = token as Tokens.Link;
        const href = safeHref(link.href);
        if (href) out.push({ type: "link", href, children: inline(link.tokens, depth + 1) });
        else out.push({ type: "text", text: link.raw });
        break;
      }
      default:
        // Raw HTML, images: shown as typed.
        out.push({ type: "text", text: token.raw });
    }
  }
  return merge(out);
}

/** Splits plain text into text and `@username` mention nodes. */
function withMentions(text: string): MdNode[] {
  const out: MdNode[] = [];
  let at = 0;
  for (const match of text.matchAll(MENTION_PATTERN)) {
    if (match.index > at) out.push({ type: "text", text: text.slice(at, match.index) });
    out.push({ type: "mention", name: match[1]! });
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push({ type: "text", text: text.slice(at) });
  return out;
}

/** Joins adjacent text nodes (marked splits text at every special character). */
function merge(nodes: MdNode[]): MdNode[] {
  const out: MdNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (node.type === "text" && last?.type === "text") last.text += node.text;
    else if (node.type !== "text" || node.text !== "") out.push(node);
  }
  // Mentions split across text tokens (marked cuts before "@"), so look again once joined.
  return out.flatMap((node) => node.type === "text" ? withMentions(node.text) : [node]);
}
