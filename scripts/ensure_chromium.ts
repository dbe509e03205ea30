/**
 * Finds Chromium for the browser tests: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`.
 * When missing and running as root, installs Debian's `chromium` (as `playwright install
 * --with-deps` would); otherwise throws with the exact command to run.
 *
 * @module
 */

/** Absolute path of a Chromium executable, installing it when possible. */
export async function ensureChromium(): Promise<string> {
  const candidates = [
    Deno.env.get("CHROMIUM_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
  ];
  const found = candidates.find((path) => path && isFile(path));
  if (found) return found;
  const command = "apt-get update && apt-get install -y chromium";
  if (Deno.uid() !== 0) {
    throw new Error(`Chromium is missing. Install it with:\n  sudo sh -c '${command}'`);
  }
  console.log(`Chromium is missing; running: ${command}`);
  const status = await new Deno.Command("sh", {
    args: ["-c", command],
    env: { DEBIAN_FRONTEND: "noninteractive" },
  })
    .spawn().status;
  if (!status.success || !isFile("/usr/bin/chromium")) throw new Error(`${command} failed`);
  return "/usr/bin/chromium";
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) console.log(await ensureChromium());
