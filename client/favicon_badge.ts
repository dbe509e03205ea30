/**
 * The favicon with the unread count: a small canvas-drawn icon (a chat bubble, and a red dot
 * with the count when there is one), set as the page's `<link rel="icon">` data URL, which
 * the CSP's `img-src data:` allows.
 *
 * @module
 */
import { badgeText } from "../lib/common/unread.ts";

const SIZE = 32;

/** Draws the icon for `count` unread messages and puts it in the page's icon link. */
export function showFaviconBadge(count: number, doc: Document = document): void {
  const canvas = doc.createElement("canvas");
  canvas.width = canvas.height = SIZE;
  const context = canvas.getContext("2d");
  if (!context) return;
  context.fillStyle = "#4f46e5";
  context.beginPath();
  context.roundRect(2, 4, 24, 18, 5);
  context.fill();
  context.beginPath();
  context.moveTo(8, 21);
  context.lineTo(6, 28);
  context.lineTo(14, 21);
  context.fill();
  if (count > 0) {
    context.fillStyle = "#e01e5a";
    context.beginPath();
    context.arc(22, 10, 10, 0, Math.PI * 2);
    context.fill();
    context.fillStyle = "#fff";
    context.font = "bold 12px sans-serif";
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.fillText(count > 9 ? (count > 99 ? "99" : badgeText(count)) : String(count), 22, 11);
  }
  let link = doc.querySelector<HTMLLinkElement>("link[rel='icon']");
  if (!link) {
    link = doc.createElement("link");
    link.rel = "icon";
    doc.head.append(link);
  }
  link.href = canvas.toDataURL("image/png");
}
