/**
 * The page script of `bench/e2e_browser.ts`: exposes the E2E measurement to the page.
 *
 * @module
 */
import { measureE2e } from "./e2e.ts";

Reflect.set(globalThis, "measureE2e", measureE2e);
