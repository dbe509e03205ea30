/**
 * Facts about the machine a run happened on, for the report: CPU, memory, kernel, runtimes,
 * file-descriptor limits and how busy the box was with other work.
 *
 * @module
 */

/** What the report says about the machine. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  deno: string;
  node: string;
  fdLimit: string;
  /** The measured code: `git rev-parse --short HEAD`, marked `+changes` when the tree differs. */
  commit: string;
  /** `/proc/loadavg` at the start and the end of the run. */
  loadStart: string;
  loadEnd?: string;
}

/** Reads the machine's facts. */
export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0) / 1024 / 1024),
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    node: (await output("node", ["--version"])).trim(),
    fdLimit: (await output("sh", ["-c", 'echo "soft $(ulimit -Sn), hard $(ulimit -Hn)"'])).trim(),
    commit: (await output("sh", [
      "-c",
      'echo "$(git rev-parse --short HEAD)$(git status --porcelain -- lib routes main.ts | grep -q . && echo +changes)"',
    ])).trim(),
    loadStart: await loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages. */
export async function loadAverage(): Promise<string> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
}

async function output(command: string, args: string[]): Promise<string> {
  const { stdout } = await new Deno.Command(command, { args, stdout: "piped" }).output();
  return new TextDecoder().decode(stdout);
}
