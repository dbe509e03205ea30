import assert from "node:assert/strict";
import plugin from "./ui_text_plugin.ts";

const ROOT = new URL("../", import.meta.url);
const run = (source: string, file = "components/Example.tsx") =>
  Deno.lint.runPlugin(plugin, file, source).map((diagnostic) => diagnostic.message);

Deno.test("ui-text/no-literal finds no literal UI text in components, islands and routes", async () => {
  const findings: string[] = [];
  for (const folder of ["components", "islands", "routes"]) {
    for await (const entry of Deno.readDir(new URL(`${folder}/`, ROOT))) {
      if (!entry.isFile || !entry.name.endsWith(".tsx")) continue;
      const file = `${folder}/${entry.name}`;
      const source = await Deno.readTextFile(new URL(file, ROOT));
      for (const message of run(source, file)) findings.push(`${file}: ${message}`);
    }
  }
  assert.deepEqual(findings, []);
});

Deno.test("ui-text/no-literal reports JSX text in any script", () => {
  assert.equal(run(`const A = () => <p>Send</p>;`).length, 1);
  assert.equal(run(`const A = () => <p>发送</p>;`).length, 1);
  assert.equal(run(`const A = () => <p>{n} unread</p>;`).length, 1);
});

Deno.test("ui-text/no-literal reports literals in visible attributes", () => {
  for (const attribute of ["placeholder", "title", "aria-label", "alt", "label"]) {
    assert.equal(run(`const A = () => <input ${attribute}="Name" />;`).length, 1, attribute);
    assert.equal(run(`const A = () => <input ${attribute}={\`Hi \${x}\`} />;`).length, 1);
  }
});

Deno.test("ui-text/no-literal reports string children in conditions and templates", () => {
  assert.equal(run(`const A = () => <b>{busy ? "Saving…" : label}</b>;`).length, 1);
  assert.equal(run(`const A = () => <b>{error || "Failed"}</b>;`).length, 1);
  assert.equal(run(`const A = () => <b>{\`\${n} left\`}</b>;`).length, 1);
});

Deno.test("ui-text/no-literal reports text given to confirm()", () => {
  assert.equal(run(`const f = () => confirm("Delete it?");`, "islands/X.tsx").length, 1);
});

Deno.test("ui-text/no-literal allows t(), class names, ids, data-*, URLs and punctuation", () => {
  const source = `const A = () => (
    <a class="room-link selected" id="x" data-testid="join-room" href="/login?next=a" title={t("k")}>
      {t(busy ? "a.b" : "c.d")} # · ☰ ⚙ {"99+"} {\`\${sigil} \${name}\`}
      <input type="text" name="username" autocomplete="username" aria-label={t("e")} />
    </a>
  );`;
  assert.deepEqual(run(source), []);
});

Deno.test("ui-text/no-literal leaves other folders alone", () => {
  assert.deepEqual(run(`const A = () => <p>Send</p>;`, "tests/helpers/page.tsx"), []);
});
