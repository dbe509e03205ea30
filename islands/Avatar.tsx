import type { PublicProfile } from "../lib/api_types.ts";
import { hueOf, initials } from "./MessageList.tsx";

/** A generated avatar: the initials of the display name on a colour derived from the user id. */
export default function Avatar({ user }: { user: PublicProfile }) {
  return (
    <span class="avatar small" aria-hidden="true" data-hue={hueOf(user.id)}>
      {initials(user.displayName)}
    </span>
  );
}
