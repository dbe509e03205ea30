import { useState } from "preact/hooks";
import type { PublicProfile } from "../lib/common/api_types.ts";
import type { Relation } from "../client/relation.ts";
import { errorText } from "../client/error_text.ts";
import Avatar from "./Avatar.tsx";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";
import type { E2eParts } from "../client/use_e2e.ts";
import SafetyNumberDialog from "./SafetyNumberDialog.tsx";

/** What a {@linkcode ProfileCard} can do; each resolves when done or throws why not. */
export interface ProfileCardActions {
  /** Opens the direct conversation (friends only). */
  message: (user: PublicProfile) => Promise<void>;
  /** Opens the end-to-end encrypted secret chat (friends only). */
  secretChat: (user: PublicProfile) => Promise<void>;
  /** Sends a friend request. */
  addFriend: (user: PublicProfile) => Promise<void>;
  /** Blocks the user (the friend list's "Blocked" section lifts it). */
  block: (user: PublicProfile) => Promise<void>;
}

/** Props of {@linkcode ProfileCard}. */
export interface ProfileCardProps {
  /** Whose card it is. */
  user: PublicProfile;
  /** How the viewer stands with them: it decides which actions are enabled. */
  relation: Relation;
  actions: ProfileCardActions;
  onClose: () => void;
  /** The page's E2E parts: "Verify safety number" when a secret chat with them is read. */
  e2e?: E2eParts;
}

/**
 * Someone's profile in a dialog: avatar, display name, username, status, and Message, Add
 * friend and Block (disabled once blocked; the friend list's "Blocked" section unblocks). Message is for friends; a stranger can be added
 * or blocked from here. Opened from an author's name or avatar, a member list, or a search.
 */
export default function ProfileCard({ user, relation, actions, onClose, e2e }: ProfileCardProps) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  // Their secret chat, once this device is in it and has checked its safety number.
  const secret = [...e2e?.view.rooms.value ?? []].find(([, room]) =>
    room.verification?.peer === user.id
  );
  const session = e2e?.session.value;
  const run = (action: (user: PublicProfile) => Promise<void>) => {
    setError(null);
    action(user).catch((failure) => setError(errorText(t, failure)));
  };
  const self = relation === "self";
  const blocked = relation === "blocked";
  return (
    <>
      <Dialog
        title={t("profileCard.title", { name: user.displayName })}
        onClose={onClose}
        testId="profile-card"
        class="profile-card"
      >
        <div class="profile-card-person">
          <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} />
          <div>
            <p class="profile-card-name" data-testid="profile-card-name">{user.displayName}</p>
            <p class="profile-card-username">@{user.name}</p>
            {user.status && <p class="profile-card-status">{user.status}</p>}
          </div>
        </div>
        {blocked && (
          <p class="profile-card-note">{t("profileCard.blocked", { name: user.displayName })}</p>
        )}
        {!self && relation !== "friend" && !blocked && (
          <p class="profile-card-note">{t("profileCard.friendsOnly")}</p>
        )}
        {!self && (
          <div class="form-actions">
            <button
              type="button"
              class="button small"
              data-testid="card-message"
              disabled={relation !== "friend"}
              onClick={() => run(actions.message)}
            >
              {t("profileCard.message")}
            </button>
            <button
              type="button"
              class="button small secondary"
              data-testid="card-secret-chat"
              disabled={relation !== "friend"}
              onClick={() => run(actions.secretChat)}
            >
              {t("e2e.secretChat")}
            </button>
            <button
              type="button"
              class="button small secondary"
              data-testid="card-add-friend"
              disabled={relation !== "none"}
              onClick={() => run(actions.addFriend)}
            >
              {t("profileCard.addFriend")}
            </button>
            <button
              type="button"
              class="button small danger"
              data-testid="card-block"
              disabled={blocked}
              onClick={() => run(actions.block)}
            >
              {t("profileCard.block")}
            </button>
          </div>
        )}
        {secret && session && (
          <p class="profile-card-verify">
            <button
              type="button"
              class="button small secondary"
              data-testid="card-verify"
              data-verified={secret[1].verification?.state}
              onClick={() => setVerifying(true)}
            >
              {t("e2e.verifyNumber")}
            </button>
          </p>
        )}
        {error !== null && <p class="error" role="alert">{error}</p>}
      </Dialog>
      {verifying && secret && session && (
        <SafetyNumberDialog
          roomId={secret[0]}
          name={user.displayName}
          session={session}
          state={secret[1].verification?.state}
          onClose={() => setVerifying(false)}
        />
      )}
    </>
  );
}
