import assert from "node:assert/strict";
import { localPath, MAX_NEXT_CHARS } from "./local_path.ts";

Deno.test("localPath() keeps paths on this site, with their query and hash", () => {
  for (const path of ["/", "/join/abcdefghijklmnopqrstuv", "/?a=1&b=%2F%2F", "/#room=x", "/a//b"]) {
    assert.equal(localPath(path), path);
  }
});

Deno.test("localPath() sends every other site, scheme or odd value to /", () => {
  const refused: unknown[] = [
    "//evil.example",
    "//evil.example/join/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " /join/x",
    "https://evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "join/x",
    "",
    "/" + "a".repeat(MAX_NEXT_CHARS),
    undefined,
    null,
    42,
    ["/join/x"],
  ];
  for (const value of refused) assert.equal(localPath(value), "/", JSON.stringify(value));
});
