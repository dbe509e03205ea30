/**
 * A `deno lint` plugin with one rule, `ui-text/no-literal`: in `components/`, `islands/` and
 * `routes/` `.tsx` files, text a person reads must come from the catalogues through `t()`.
 * It reports letters (any script: Latin, CJK…) in
 * - JSX text (`<p>Hello</p>`),
 * - string or template literals as JSX children (`{busy ? "Saving…" : label}`),
 * - user-visible attributes (`placeholder`, `title`, `aria-label`, `alt`, `label`…),
 * - `confirm()`, `alert()` and `prompt()` arguments.
 * Literals inside any call (such as `t("key")`) are not looked at; class names, ids,
 * `data-*`, URLs and punctuation-only text (`#`, `·`, `☰`) are allowed.
 *
 * Registered in `deno.json` (`lint.plugins`), so `deno task check` fails on a literal;
 * `ui_text_plugin_test.ts` runs it over every such file too.
 *
 * @module
 */

/** Attributes whose value a person reads (or hears, with a screen reader). */
const VISIBLE_ATTRIBUTES = new Set([
  "placeholder",
  "title",
  "alt",
  "label",
  "aria-label",
  "aria-description",
  "aria-placeholder",
  "aria-roledescription",
  "aria-valuetext",
]);

/** Functions whose string argument the browser shows. */
const DIALOGS = new Set(["confirm", "alert", "prompt"]);

const LETTER = /\p{L}/u;
const CHECKED_FILE = /(^|[\\/])(components|islands|routes)[\\/][^\\/]+\.tsx$/;

type Node = Deno.lint.Node;

/** The plugin; its rule is `ui-text/no-literal`. */
const plugin: Deno.lint.Plugin = {
  name: "ui-text",
  rules: {
    "no-literal": {
      create(context) {
        if (!CHECKED_FILE.test(context.filename)) return {};
        const report = (node: Node, text: string) =>
          context.report({
            node,
            message: `UI text "${text.trim()}" is not from a catalogue`,
            hint: "Add it to lib/common/i18n/en.ts and zh_cn.ts and show it with t(key).",
          });
        const check = (node: Node | null | undefined): void => {
          if (!node) return;
          if (node.type === "Literal" && typeof node.value === "string") {
            if (LETTER.test(node.value)) report(node, node.value);
          } else if (node.type === "TemplateLiteral") {
            const text = node.quasis.map((quasi) => quasi.cooked ?? quasi.raw).join("…");
            if (LETTER.test(text)) report(node, text);
          } else if (node.type === "ConditionalExpression") {
            check(node.consequent);
            check(node.alternate);
          } else if (node.type === "LogicalExpression") {
            check(node.left);
            check(node.right);
          }
        };
        return {
          JSXText(node) {
            if (LETTER.test(node.value)) report(node, node.value);
          },
          JSXExpressionContainer(node) {
            const parent = node.parent;
            if (parent.type === "JSXElement" || parent.type === "JSXFragment") {
              check(node.expression);
            }
          },
          JSXAttribute(node) {
            const name = node.name.type === "JSXIdentifier" ? node.name.name : "";
            if (!VISIBLE_ATTRIBUTES.has(name)) return;
            const value = node.value;
            if (value?.type === "Literal") check(value);
            else if (value?.type === "JSXExpressionContainer") check(value.expression);
          },
          CallExpression(node) {
            if (node.callee.type === "Identifier" && DIALOGS.has(node.callee.name)) {
              for (const argument of node.arguments) check(argument);
            }
          },
        };
      },
    },
  },
};

export default plugin;
