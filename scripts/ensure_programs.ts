/**
 * Finds the programs the tests need and installs the missing ones from Debian's packages, in
 * one `apt-get` run, when running as root (as `playwright install --with-deps` would);
 * otherwise throws with the exact command to run.
 *
 * @module
 */

/** A program the tests run, and where to find it. */
export interface Program {
  /** Environment variable that may name the executable. */
  envVar: string;
  /** Where Debian's package puts it; the first is checked after an install. */
  paths: [string, ...string[]];
  /** The Debian package providing it. */
  debianPackage: string;
}

/** Chromium, for the browser tests. */
export const CHROMIUM: Program = {
  envVar: "CHROMIUM_PATH",
  paths: ["/usr/bin/chromium", "/usr/bin/chromium-browser"],
  debianPackage: "chromium",
};

/** redis-server, for the Redis broker tests. */
export const REDIS_SERVER: Program = {
  envVar: "REDIS_SERVER_PATH",
  paths: ["/usr/bin/redis-server"],
  debianPackage: "redis-server",
};

/** nginx, for the test of the documented proxy settings (slow clients cut by the proxy). */
export const NGINX: Program = {
  envVar: "NGINX_PATH",
  paths: ["/usr/sbin/nginx", "/usr/bin/nginx"],
  debianPackage: "nginx-light",
};

/** coturn's `turnserver`, for the call test that forces media through TURN. */
export const TURNSERVER: Program = {
  envVar: "TURNSERVER_PATH",
  paths: ["/usr/bin/turnserver"],
  debianPackage: "coturn",
};

/** Returns each program's executable path as `{ [envVar]: path }`, installing what is missing. */
export async function ensurePrograms(programs: Program[]): Promise<Record<string, string>> {
  const missing = programs.filter((program) => find(program) === undefined);
  if (missing.length > 0) {
    const packages = missing.map((program) => program.debianPackage).join(" ");
    const command = `apt-get update && apt-get install -y ${packages}`;
    if (Deno.uid() !== 0) {
      throw new Error(`Missing ${packages}. Install with:\n  sudo sh -c '${command}'`);
    }
    console.log(`Missing ${packages}; running: ${command}`);
    const status = await new Deno.Command("sh", {
      args: ["-c", command],
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).spawn().status;
    if (!status.success) throw new Error(`${command} failed`);
  }
  const found: Record<string, string> = {};
  for (const program of programs) {
    const path = find(program);
    if (!path) throw new Error(`${program.debianPackage} is still missing after installing it`);
    found[program.envVar] = path;
  }
  return found;
}

function find(program: Program): string | undefined {
  return [Deno.env.get(program.envVar), ...program.paths].find((path) => path && isFile(path));
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
