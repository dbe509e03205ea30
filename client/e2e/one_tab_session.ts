/**
 * One tab of a browser profile runs the E2E session of a user at a time. Each tab would
 * otherwise run its own copy of every group's state from IndexedDB: two tabs sending at once
 * used the same sender generation, and the members could read only one of the two messages
 * (the other showed "could not decrypt"). The tab holding the profile's Web Lock
 * `chat-e2e-session/<user>` (until it closes or navigates away) runs the session; another tab
 * shows its encrypted rooms as open elsewhere (`elsewhere`) and takes over when the lock comes
 * to it. So the tabs of a profile also never both create its device, nor both upload its
 * KeyPackages (the second upload went over the server's 10 per device and was refused, and left
 * the profile without the private parts of the first). Part of the lazy E2E chunk.
 *
 * @module
 */
import type { E2eSession, E2eView } from "../e2e_view.ts";

/**
 * Opens the session with `open` once this tab holds the lock for `userId`; until then (another
 * tab holds it) returns a session that marks followed rooms `elsewhere` and refuses to encrypt,
 * and follows them with the real one once it is open. Without the Web Locks API every tab opens
 * its own.
 */
export async function oneTabSession(
  userId: string,
  view: E2eView,
  open: () => Promise<E2eSession>,
): Promise<E2eSession> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return await open();
  const name = `chat-e2e-session/${userId}`;
  let granted!: () => void;
  const held = new Promise<void>((resolve) => granted = resolve);
  // Held until the page goes: the callback's promise never settles.
  const keep = () => {
    granted();
    return new Promise<never>(() => {});
  };
  const free = await new Promise<boolean>((answer) => {
    void locks.request(name, { ifAvailable: true }, (lock) => {
      answer(lock !== null);
      return lock ? keep() : undefined;
    });
  });
  if (free) return await open();
  void locks.request(name, keep);
  return deferred(held.then(open), view);
}

/** A session standing in for the one `opening` resolves to (see {@linkcode oneTabSession}). */
function deferred(opening: Promise<E2eSession>, view: E2eView): E2eSession {
  let real: E2eSession | undefined;
  const followed = new Map<string, { peer?: string; stop?: () => void }>();
  void opening.then((session) => {
    real = session;
    for (const [roomId, entry] of followed) entry.stop = session.follow(roomId, entry.peer);
  });
  const notHere = () =>
    Promise.reject(new Error("encrypted conversations are open in another tab"));
  return {
    follow(roomId, peer) {
      if (real) return real.follow(roomId, peer);
      const entry: { peer?: string; stop?: () => void } = peer === undefined ? {} : { peer };
      followed.set(roomId, entry);
      view.set(roomId, { ...view.room(roomId), status: "elsewhere" });
      return () => {
        entry.stop?.();
        if (followed.get(roomId) === entry) followed.delete(roomId);
      };
    },
    encrypt: (roomId, text) => real ? real.encrypt(roomId, text) : notHere(),
    safetyNumber: (roomId, peer) => real ? real.safetyNumber(roomId, peer) : notHere(),
    setVerified: (roomId, verified, peer) =>
      real ? real.setVerified(roomId, verified, peer) : notHere(),
  };
}
