/**
 * `main.ts` as the tests run it for the Deno Deploy configuration: without `BroadcastChannel`
 * (see `without_broadcast_channel.ts`, evaluated before `main.ts` and everything it imports).
 *
 * @module
 */
import "./without_broadcast_channel.ts";

export { default } from "../../main.ts";
