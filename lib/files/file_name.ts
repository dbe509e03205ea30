/**
 * Cleans an uploaded file's name for storing and for `Content-Disposition`.
 *
 * @module
 */
import { MAX_FILE_NAME } from "../common/attachments.ts";

/**
 * The last path segment of `name`, without control or direction characters, trimmed and cut to
 * {@linkcode MAX_FILE_NAME}; `"file"` when nothing is left.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim().slice(0, MAX_FILE_NAME);
  return clean === "" || clean === "." || clean === ".." ? "file" : clean;
}
