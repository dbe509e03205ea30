import type { RoomCall } from "../lib/common/protocol.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";
import { Phone } from "./icons.ts";

/** Props of {@linkcode RoomCallBar}. */
export interface RoomCallBarProps {
  /** The room's group call. */
  call: RoomCall;
  /** Whether this user is in it already (then there is no Join). */
  inCall: boolean;
  /** Joins the call. */
  onJoin: () => void;
}

/**
 * The bar under a group room's header while a call is on: "Call in progress, 3 people", with
 * Join for a member not in it. A lazy part (`lazy_parts.ts`): a call is never on at first paint
 * before the tab has asked the server.
 */
export default function RoomCallBar({ call, inCall, onJoin }: RoomCallBarProps) {
  const { t } = useI18n();
  return (
    <div class="room-call" data-testid="room-call">
      <Icon icon={Phone} />
      <span role="status">{t("call.inProgress", { count: call.participants.length })}</span>
      {!inCall && (
        <button type="button" class="button" data-testid="call-join" onClick={onJoin}>
          {t("call.join")}
        </button>
      )}
    </div>
  );
}
