import { useState } from "preact/hooks";

/** Props of {@linkcode Avatar}. */
export interface AvatarProps {
  /** Id of the user or room; the generated avatar's colour derives from it. */
  id: string;
  /** Display name or room name; the generated avatar shows its initials. */
  name: string;
  /** Uploaded picture (`avatarUrl`); absent, or failing to load: the generated avatar. */
  url?: string | undefined;
  /** 24 px (`small`) or 36 px (default). */
  small?: boolean;
}

/**
 * An avatar: the uploaded picture, else the initials of the name on a colour derived from the
 * id. Decorative (hidden from screen readers): the name is always shown beside it.
 */
export default function Avatar({ id, name, url, small }: AvatarProps) {
  const [broken, setBroken] = useState<string | null>(null);
  const className = small ? "avatar small" : "avatar";
  if (url && broken !== url) {
    return (
      <img
        class={`${className} avatar-image`}
        src={url}
        alt=""
        aria-hidden="true"
        decoding="async"
        data-testid="avatar-image"
        onError={() => setBroken(url)}
      />
    );
  }
  return <span class={className} aria-hidden="true" data-hue={hueOf(id)}>{initials(name)}</span>;
}

/** One of eight avatar colours, stable per id (CSS maps `data-hue`). */
export function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 8;
}

/** Up to two initials of a display name, for the generated avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((word) => word !== "");
  return words.slice(0, 2).map((word) => [...word][0]!.toUpperCase()).join("");
}
