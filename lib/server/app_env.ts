/**
 * The request state every route can read, like Fresh's `State` in `utils.ts`.
 *
 * @module
 */
import type { PublicUser } from "../common/api_types.ts";
import type { Session } from "../accounts/sessions.ts";

/** Hono environment of the app: the signed-in user and session, when there is one. */
export interface AppEnv {
  Variables: {
    user: PublicUser | undefined;
    session: Session | undefined;
  };
}
