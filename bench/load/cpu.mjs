/**
 * CPU time of processes from `/proc/<pid>/stat` (utime + stime, every thread included).
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** Clock ticks per second of `/proc` times (Linux's USER_HZ; 100 on every common build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by each pid; 0 for a pid that has ended.
 *
 * @param {number[]} pids
 * @returns {number}
 */
export function cpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // ended
    }
  }
  return total;
}

/** CPU seconds (user + system) used so far by this process. */
export function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds spent busy so far by the whole machine, every core and process (`/proc/stat`). */
export function machineBusySeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(
    Number,
  );
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/**
 * Seconds the main thread of each pid has spent runnable but waiting for a CPU
 * (`/proc/<pid>/schedstat`): time taken from it by other processes, or by its own threads.
 *
 * @param {number[]} pids
 * @returns {number}
 */
export function waitSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
    } catch {
      // ended
    }
  }
  return total;
}

/**
 * CPU seconds used so far by each pid's threads (`/proc/<pid>/task/*\/stat`), split as
 * `bench/thread_seconds.ts` splits them: the main (JavaScript) thread, Deno KV's SQLite
 * threads (`sw-*`) and the rest; and the same total as user and kernel time.
 *
 * @param {number[]} pids
 * @returns {{ js: number, sqlite: number, helpers: number, user: number, system: number }}
 */
export function threadCpuSeconds(pids) {
  const seconds = { js: 0, sqlite: 0, helpers: 0, user: 0, system: 0 };
  for (const pid of pids) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const user = Number(fields[11]) / TICKS_PER_SECOND;
        const system = Number(fields[12]) / TICKS_PER_SECOND;
        seconds.user += user;
        seconds.system += system;
        if (tid === String(pid)) seconds.js += user + system;
        else if (name.startsWith("sw-")) seconds.sqlite += user + system;
        else seconds.helpers += user + system;
      } catch {
        // the thread ended
      }
    }
  }
  return seconds;
}
