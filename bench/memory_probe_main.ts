/**
 * `main.ts` with two probes for `bench/memory_after_burst.ts`, never for production: SIGUSR1
 * runs a full V8 garbage collection (needs `--v8-flags=--expose-gc`), SIGUSR2 asks glibc to
 * give its free memory back to the system (`malloc_trim(0)`, needs `--allow-ffi`). Comparing
 * the resident memory before and after each says whether memory kept after a burst is live
 * JavaScript objects, garbage V8 has not collected, or free memory the allocator keeps.
 *
 * @module
 */
import server from "../main.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) Deno.addSignalListener("SIGUSR1", () => gc());
const libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
Deno.addSignalListener("SIGUSR2", () => libc.symbols.malloc_trim(0n));

export default server;
