/**
 * Finds `redis-server` for the Redis tests: `REDIS_SERVER_PATH`, else Debian's
 * `/usr/bin/redis-server`. When missing and running as root, installs Debian's `redis-server`;
 * otherwise throws with the exact command to run.
 *
 * @module
 */

/** Absolute path of a `redis-server` executable, installing it when possible. */
export async function ensureRedis(): Promise<string> {
  const candidates = [Deno.env.get("REDIS_SERVER_PATH"), "/usr/bin/redis-server"];
  const found = candidates.find((path) => path && isFile(path));
  if (found) return found;
  const command = "apt-get update && apt-get install -y redis-server";
  if (Deno.uid() !== 0) {
    throw new Error(`redis-server is missing. Install it with:\n  sudo sh -c '${command}'`);
  }
  console.log(`redis-server is missing; running: ${command}`);
  const status = await new Deno.Command("sh", {
    args: ["-c", command],
    env: { DEBIAN_FRONTEND: "noninteractive" },
  })
    .spawn().status;
  if (!status.success || !isFile("/usr/bin/redis-server")) throw new Error(`${command} failed`);
  return "/usr/bin/redis-server";
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) console.log(await ensureRedis());
