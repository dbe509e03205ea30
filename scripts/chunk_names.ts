/**
 * Names a bundle's chunks after their content alone, so that a build is the same byte for byte
 * wherever the checkout lies.
 *
 * esbuild (inside `deno bundle`) hashes a chunk's name from its content and the absolute paths
 * of its modules, so two clones of the same commit in different folders write the same chunks
 * under other names. The entry holds those names (`import("./CallLayer-N45ZGO52.js")`), and its
 * gzipped size moved by a few bytes from one checkout to the next: enough to cross the first-load
 * budget in one clone and not in another. {@linkcode stableChunkNames} renames every chunk to a
 * hash of its source in which the names of the other chunks stand for their own content, and
 * {@linkcode renameChunkRefs} rewrites the references.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** esbuild's chunk names: `[name]-[hash].js`, the hash eight base32 letters. */
const CHUNK_NAME = /^(.+)-[A-Z2-7]{8}\.js$/;

/**
 * New names for the chunks `sources` holds (file name to source), each `name-HASH.js` with the
 * same `name` and an eight-letter hash of the same alphabet and length, so that rewriting a
 * reference moves no column of a source map. The hash depends on the chunk's source and, through
 * the references it makes, on the sources of the chunks it reaches, not on the old names.
 *
 * Chunks may reference each other in cycles (`import()` both ways), so the hash cannot be taken
 * bottom-up. It is refined instead: first each source with every reference blanked, then each
 * source with every reference replaced by the referenced chunk's hash of the round before, until
 * a round splits no group of equal hashes.
 *
 * @example
 * ```ts
 * const renames = stableChunkNames(new Map([
 *   ["a-AAAAAAAA.js", 'import("./b-BBBBBBBB.js")'],
 *   ["b-BBBBBBBB.js", "export{}"],
 * ]));
 * renames.get("a-AAAAAAAA.js"); // "a-" + 8 letters that depend on the two sources only
 * ```
 *
 * @param sources Chunk file name to its source; names that do not look like esbuild's keep theirs.
 * @returns Old name to new name, for every chunk named like esbuild's.
 * @throws {Error} When two different chunks' sources are the same up to names, so no content
 *   tells them apart (the build would otherwise write one file over the other).
 */
export function stableChunkNames(sources: ReadonlyMap<string, string>): Map<string, string> {
  const names = [...sources.keys()].filter((name) => CHUNK_NAME.test(name));
  const reference = referencePattern(names);
  const digestOf = (name: string, label: (ref: string) => string) =>
    sha256(sources.get(name)!.replace(reference, label)).toString("hex");

  let labels = new Map(names.map((name) => [name, digestOf(name, () => "")]));
  for (let round = 0; round < names.length; round++) {
    const next = new Map(names.map((name) => [name, digestOf(name, (ref) => labels.get(ref)!)]));
    const grouped = distinct(labels) === distinct(next);
    labels = next;
    if (grouped) break;
  }
  if (distinct(labels) < names.length) {
    throw new Error("two chunks have the same source up to chunk names; no name tells them apart");
  }
  return new Map(names.map((name) => {
    const stem = CHUNK_NAME.exec(name)![1]!;
    return [name, `${stem}-${base32(sha256(labels.get(name)!)).slice(0, 8)}.js`];
  }));
}

/**
 * `source` with every chunk name that `renames` lists replaced by its new name.
 *
 * @param source A chunk's source, or any text naming chunks.
 * @param renames Old name to new name, from {@linkcode stableChunkNames}.
 * @returns The rewritten text.
 */
export function renameChunkRefs(source: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return source;
  return source.replace(referencePattern([...renames.keys()]), (ref) => renames.get(ref)!);
}

/** Matches any of `names` where it is a whole file name (not the tail of a longer one). */
function referencePattern(names: string[]): RegExp {
  if (names.length === 0) return /(?!)/g;
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(?<![\\w$-])(?:${escaped.join("|")})`, "g");
}

function sha256(text: string) {
  return createHash("sha256").update(text).digest();
}

function distinct(labels: Map<string, string>): number {
  return new Set(labels.values()).size;
}

/** RFC 4648 base32 (the alphabet of esbuild's hashes), without padding. */
function base32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}
