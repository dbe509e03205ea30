import assert from "node:assert/strict";
import fc from "fast-check";
import { type MdNode, parseMarkdown, safeHref } from "./markdown_tree.ts";

const text = (text: string): MdNode => ({ type: "text", text });
const para = (...children: MdNode[]): MdNode => ({ type: "paragraph", children });

/** Every node of a tree, depth first. */
function* walk(nodes: MdNode[]): Generator<MdNode> {
  for (const node of nodes) {
    yield node;
    if ("children" in node) yield* walk(node.children);
    if (node.type === "list") { for (const item of node.items) yield* walk(item); }
  }
}

Deno.test("parseMarkdown() formats bold, italic, strikethrough and inline code", () => {
  assert.deepEqual(parseMarkdown("**b** _i_ ~~s~~ `x<y>`"), [para(
    { type: "strong", children: [text("b")] },
    text(" "),
    { type: "em", children: [text("i")] },
    text(" "),
    { type: "del", children: [text("s")] },
    text(" "),
    { type: "code", text: "x<y>" },
  )]);
});

Deno.test("parseMarkdown() keeps code blocks, quotes and lists as blocks", () => {
  assert.deepEqual(parseMarkdown("```js\nlet a = '<b>';\n```\n> quoted\n\n3. three\n4. four"), [
    { type: "codeblock", text: "let a = '<b>';" },
    { type: "quote", children: [para(text("quoted"))] },
    { type: "list", ordered: true, start: 3, items: [[para(text("three"))], [para(text("four"))]] },
  ]);
});

Deno.test("parseMarkdown() shows raw HTML, headings and images as the text typed", () => {
  assert.deepEqual(parseMarkdown("<script>alert(1)</script>"), [
    para(text("<script>alert(1)</script>")),
  ]);
  assert.deepEqual(parseMarkdown("# title"), [para(text("# title"))]);
  assert.deepEqual(parseMarkdown("a ![x](https://e.com/p.png) <b>b</b>"), [
    para(text("a ![x](https://e.com/p.png) <b>b</b>")),
  ]);
});

Deno.test("parseMarkdown() links http(s) and mailto, bare URLs included, and nothing else", () => {
  assert.deepEqual(parseMarkdown("see https://deno.com/x?a=1 [doc](http://e.org)"), [para(
    text("see "),
    { type: "link", href: "https://deno.com/x?a=1", children: [text("https://deno.com/x?a=1")] },
    text(" "),
    { type: "link", href: "http://e.org/", children: [text("doc")] },
  )]);
  assert.deepEqual(parseMarkdown("[x](javascript:alert(1)) [y](data:text/html,hi)"), [
    para(text("[x](javascript:alert(1)) [y](data:text/html,hi)")),
  ]);
});

Deno.test("parseMarkdown() finds @username mentions but not e-mail addresses", () => {
  const nodes = [...walk(parseMarkdown("hi @bob_1 and **@Ann**, mail x@bob.com"))];
  assert.deepEqual(
    nodes.filter((node) => node.type === "mention"),
    [{ type: "mention", name: "bob_1" }, { type: "mention", name: "Ann" }],
  );
});

Deno.test("parseMarkdown() turns a line break into a break", () => {
  assert.deepEqual(parseMarkdown("one\ntwo"), [para(text("one"), { type: "br" }, text("two"))]);
});

Deno.test("safeHref() accepts only absolute http, https and mailto URLs", () => {
  assert.equal(safeHref("https://a.b/c"), "https://a.b/c");
  assert.equal(safeHref("mailto:a@b.c"), "mailto:a@b.c");
  for (
    const bad of [
      "javascript:alert(1)",
      " JAVASCRIPT:x",
      "data:text/html,x",
      "/relative",
      "vbscript:x",
    ]
  ) {
    assert.equal(safeHref(bad), undefined, bad);
  }
});

const markdownish = fc.array(
  fc.oneof(
    fc.string(),
    fc.constantFrom(
      "**",
      "_",
      "~~",
      "`",
      "```\n",
      "> ",
      "- ",
      "1. ",
      "\n",
      "\n\n",
      "[",
      "](",
      ")",
      "<",
      ">",
      "<script>",
      "javascript:",
      "JaVaScRiPt:",
      "data:",
      "http://",
      "https://x.y",
      "www.",
      "@",
      "@bob",
      "&lt;",
      "\\",
      '<a href="javascript:x">',
      "![i](",
      "#",
      "|",
      "    ",
    ),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(""));

Deno.test("parseMarkdown() never throws and never yields an unsafe link (property)", () => {
  fc.assert(
    fc.property(markdownish, (input) => {
      for (const node of walk(parseMarkdown(input))) {
        if (node.type === "link") {
          assert.ok(/^(https?:|mailto:)/.test(node.href), node.href);
          assert.equal(safeHref(node.href), node.href);
        }
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("parseMarkdown() survives deep nesting without overflowing the stack", () => {
  for (const deep of ["> ".repeat(5000) + "x", "- ".repeat(3000) + "x", "*".repeat(20000)]) {
    assert.ok(Array.isArray(parseMarkdown(deep)));
  }
});
