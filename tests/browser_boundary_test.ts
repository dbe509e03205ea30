/**
 * The browser boundary: everything the browser bundle can reach stays browser-safe. The roots
 * are the bundle entry (`client.ts`) and every module under `client/`, `islands/` and
 * `lib/common/`, test fakes included and tests aside, so a module nothing imports yet is held
 * to the rule too. The graph is Deno's own (`deno info --json`), not a scan of import lines.
 *
 * @module
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** Folders (and the one file) whose modules the browser may load. */
const BROWSER_PATHS = ["client.ts", "client/", "islands/", "components/", "lib/common/"];

/** npm packages made for the browser; a new one belongs here only once it is browser-safe. */
const BROWSER_PACKAGES = new Set([
  "preact",
  "@preact/signals",
  "@preact/signals-core",
  "valibot",
  "lucide",
  // Lazy chunks: the Markdown parser and the emoji data.
  "marked",
  "emojibase-data",
  // The lazy E2E chunk: MLS and the primitives it imports without declaring them.
  "ts-mls",
  "@noble/hashes",
  "@noble/curves",
  "@noble/ciphers",
]);

interface GraphModule {
  specifier: string;
  kind: string;
  error?: string;
}

async function browserGraph(): Promise<GraphModule[]> {
  const roots = ["client.ts"];
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(new URL(folder, root))) {
      if (entry.isDirectory) await walk(`${folder}${entry.name}/`);
      else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
        roots.push(folder + entry.name);
      }
    }
  };
  for (const folder of ["client/", "islands/", "lib/common/"]) await walk(folder);
  const dir = await Deno.makeTempDir();
  try {
    const entry = `${dir}/entry.ts`;
    await Deno.writeTextFile(
      entry,
      roots.map((path) => `import "${new URL(path, root).href}";\n`).join(""),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", new URL("deno.json", root).pathname, entry],
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: GraphModule[];
    };
    return graph.modules.filter((module) => !module.specifier.startsWith(`file://${dir}/`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The package name of an `npm:` specifier such as `npm:/@preact/signals@2.11.4/jsx`. */
function packageName(specifier: string): string {
  const path = specifier.replace(/^npm:\/?/, "");
  const parts = path.split("/");
  const name = path.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return name.replace(/@[^@/]*$/, "");
}

/** Source without comments, so a doc comment that names `Deno.serve` is not a use of it. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

Deno.test("the browser bundle reaches only client/, islands/, components/ and lib/common/", async () => {
  const outside = (await browserGraph())
    .filter((module) => module.specifier.startsWith("file:"))
    .map((module) => module.specifier.slice(root.href.length))
    .filter((path) => !BROWSER_PATHS.some((allowed) => path.startsWith(allowed)));
  assert.deepEqual(outside, [], "server modules reached from the browser bundle");
});

Deno.test("the browser bundle reaches no npm package made for the server", async () => {
  const packages = new Set(
    (await browserGraph())
      .filter((module) => module.specifier.startsWith("npm:"))
      .map((module) => packageName(module.specifier)),
  );
  assert.ok(packages.has("preact"), `the graph was read: ${[...packages]}`);
  assert.deepEqual([...packages].filter((name) => !BROWSER_PACKAGES.has(name)), []);
});

Deno.test("no module the browser bundle reaches uses the Deno namespace", async () => {
  const users: string[] = [];
  for (const module of await browserGraph()) {
    if (!module.specifier.startsWith("file:")) continue;
    const source = await Deno.readTextFile(new URL(module.specifier));
    if (/\bDeno\s*\./.test(withoutComments(source))) {
      users.push(module.specifier.slice(root.href.length));
    }
  }
  assert.deepEqual(users, []);
});

Deno.test("the browser bundle holds no message catalogue: the island gets its locale's in its props", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", new URL("deno.json", root).pathname, "client.ts"],
    cwd: root,
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const { roots, modules } = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: { specifier: string; dependencies?: { code?: { specifier: string } }[] }[];
  };
  // Only code imports: `import type` is gone from the bundle, so it may name a catalogue.
  const bySpecifier = new Map(modules.map((module) => [module.specifier, module]));
  const bundled = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (bundled.has(specifier)) continue;
    bundled.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code) pending.push(dependency.code.specifier);
    }
  }
  const paths = [...bundled].map((specifier) => specifier.slice(root.href.length));
  assert.ok(paths.includes("islands/ChatApp.tsx"), `the graph was read: ${paths.length} modules`);
  const catalogues = ["lib/common/i18n/en.ts", "lib/common/i18n/zh_cn.ts"];
  assert.deepEqual(paths.filter((path) => catalogues.includes(path)), []);
});
