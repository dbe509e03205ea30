/**
 * CPU time of this process by thread, from `/proc`: the JavaScript thread, Deno KV's SQLite
 * thread (`sw-*`) and the rest (V8's helpers). Linux only.
 *
 * @module
 */

/** CPU seconds of a process's threads, as `/proc` counts them. */
export interface ThreadSeconds {
  js: number;
  sqlite: number;
  helpers: number;
}

/** CPU seconds of this process's threads: the JS thread, SQLite's, and the rest. */
export function threadSeconds(): ThreadSeconds {
  const seconds = { js: 0, sqlite: 0, helpers: 0 };
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    try {
      const stat = Deno.readTextFileSync(`/proc/self/task/${entry.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
      if (entry.name === String(Deno.pid)) seconds.js += cpu;
      else if (name.startsWith("sw-")) seconds.sqlite += cpu;
      else seconds.helpers += cpu;
    } catch {
      // the thread ended
    }
  }
  return seconds;
}
