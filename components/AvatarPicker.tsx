import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { decodeImage, drawCrop, encodeAvatar } from "../client/avatar_image.ts";
import { errorText } from "../client/error_text.ts";
import { centerCrop, clampCrop, type Crop, MAX_ZOOM, panCrop } from "../client/crop.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode AvatarPicker}. */
export interface AvatarPickerProps {
  /** The avatar shown now (an `Avatar`), beside the buttons. */
  children: ComponentChildren;
  /** True when there is an uploaded picture that "Remove" would delete. */
  uploaded: boolean;
  /** Saves the encoded square image; a thrown error's message is shown. */
  upload: (image: Blob) => Promise<unknown>;
  /** Goes back to the generated default; a thrown error's message is shown. */
  remove: () => Promise<unknown>;
}

const KEY_STEP = 10;
const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [KEY_STEP, 0],
  ArrowRight: [-KEY_STEP, 0],
  ArrowUp: [0, KEY_STEP],
  ArrowDown: [0, -KEY_STEP],
};

/**
 * Picks, crops and uploads a square picture, for user avatars and room pictures alike: the
 * file is decoded in the browser, shown centred in a round preview that can be dragged (or
 * moved with the arrow keys) and zoomed, then resized to 256×256 and encoded before upload.
 */
export default function AvatarPicker({ children, uploaded, upload, remove }: AvatarPickerProps) {
  const { t } = useI18n();
  const [image, setImage] = useState<ImageBitmap | null>(null);
  const [crop, setCrop] = useState<Crop>({ zoom: 1, x: 0, y: 0 });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);

  useEffect(() => {
    if (image && canvas.current) drawCrop(canvas.current, image, crop);
  }, [image, crop]);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      setImage(null);
    } catch (failure) {
      setError(errorText(t, failure));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    setError(null);
    try {
      const decoded = await decodeImage(file);
      setCrop(centerCrop(decoded.width, decoded.height));
      setImage(decoded);
    } catch (failure) {
      setError(errorText(t, failure));
    }
  };
  const pan = (dx: number, dy: number) =>
    image && setCrop((old) => panCrop(image.width, image.height, old, dx, dy, 200));

  return (
    <div class="avatar-picker" data-testid="avatar-picker">
      {image
        ? (
          <div class="avatar-crop-area" key="crop">
            <canvas
              ref={canvas}
              width={400}
              height={400}
              class="avatar-crop"
              data-testid="avatar-crop"
              tabIndex={0}
              aria-label={t("avatar.crop")}
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                drag.current = { x: e.clientX, y: e.clientY };
              }}
              onPointerMove={(e) => {
                if (!drag.current) return;
                pan(e.clientX - drag.current.x, e.clientY - drag.current.y);
                drag.current = { x: e.clientX, y: e.clientY };
              }}
              onPointerUp={() => (drag.current = null)}
              onKeyDown={(e) => {
                const step = ARROWS[e.key];
                if (!step) return;
                e.preventDefault();
                pan(...step);
              }}
            />
            <label class="avatar-zoom">
              {t("avatar.zoom")}
              <input
                type="range"
                data-testid="avatar-zoom"
                min={1}
                max={MAX_ZOOM}
                step={0.01}
                value={crop.zoom}
                onInput={(e) =>
                  setCrop((old) =>
                    clampCrop(image.width, image.height, {
                      ...old,
                      zoom: Number(e.currentTarget.value),
                    })
                  )}
              />
            </label>
            <div class="form-actions">
              <button
                type="button"
                class="button small"
                data-testid="avatar-save"
                disabled={busy}
                onClick={() => run(async () => upload(await encodeAvatar(image, crop)))}
              >
                {t(busy ? "avatar.saving" : "avatar.save")}
              </button>
              <button
                type="button"
                class="button small secondary"
                onClick={() => setImage(null)}
              >
                {t("common.cancel")}
              </button>
            </div>
          </div>
        )
        : (
          <div class="avatar-current" key="current">
            {children}
            <label class="button small secondary">
              {t("avatar.upload")}
              <input
                type="file"
                accept="image/*"
                class="visually-hidden"
                data-testid="avatar-file"
                onChange={(e) => pick(e.currentTarget)}
              />
            </label>
            {uploaded && (
              <button
                type="button"
                class="link-button"
                data-testid="avatar-remove"
                disabled={busy}
                onClick={() => run(remove)}
              >
                {t("avatar.remove")}
              </button>
            )}
          </div>
        )}
      {error !== null && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
