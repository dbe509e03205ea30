import assert from "node:assert/strict";
import fc from "fast-check";
import { renderToString } from "preact-render-to-string";
import MessageText, { loadMarkdown } from "./MessageText.tsx";

await loadMarkdown();

const html = (text: string, self = "bob", mentionsMe = false) =>
  renderToString(
    <MessageText text={text} self={self} mentionsMe={mentionsMe} isMember={(n) => n === "bob"} />,
  );

Deno.test("MessageText renders Markdown as elements and raw HTML as escaped text", () => {
  const out = html("**bold** <script>alert(1)</script> <img src=x onerror=alert(1)>");
  assert.match(out, /<strong>bold<\/strong>/);
  assert.match(out, /&lt;script>alert\(1\)&lt;\/script>/);
  assert.doesNotMatch(out, /<script|<img/);
});

Deno.test("MessageText opens links in a new tab without access to the chat", () => {
  assert.match(
    html("go to https://deno.com"),
    /<a href="https:\/\/deno.com\/" target="_blank" rel="noopener noreferrer">https:\/\/deno.com<\/a>/,
  );
});

Deno.test("MessageText highlights members' mentions, strongly the reader's own", () => {
  assert.match(html("hi @Bob", "bob", true), /<span class="mention mention-me">@Bob<\/span>/);
  assert.match(html("hi @bob", "ann", false), /<span class="mention">@bob<\/span>/);
  assert.doesNotMatch(html("hi @carol"), /mention/);
});

Deno.test("MessageText never renders a script, an event handler or an unsafe href (property)", () => {
  const pieces = fc.constantFrom(
    "<script>",
    "</script>",
    '<a href="javascript:x">',
    "[x](javascript:alert(1))",
    "[y](JAVASCRIPT:z)",
    "<img onerror=x>",
    "**",
    "`",
    "\n",
    "> ",
    "- ",
    "https://a.b",
    "@bob",
    '"',
    "'",
    "<",
    ">",
    "&",
    "](",
    "<svg onload=x>",
    "data:text/html,<script>",
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), pieces), { maxLength: 30 }), (parts) => {
      const out = html(parts.join(""));
      assert.doesNotMatch(out, /<(script|img|svg|iframe)/i);
      assert.doesNotMatch(out, /<[^>]+\son\w+=/i);
      for (const [, href] of out.matchAll(/href="([^"]*)"/g)) {
        assert.match(href!, /^(https?:|mailto:)/);
      }
    }),
    { numRuns: 1000 },
  );
});
