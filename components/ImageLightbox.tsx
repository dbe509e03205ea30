import Dialog from "./Dialog.tsx";

/** Props of {@linkcode ImageLightbox}. */
export interface ImageLightboxProps {
  /** The file name, the dialog's title and the image's text. */
  name: string;
  src: string;
  width?: number | undefined;
  height?: number | undefined;
  /** Closes it: Escape, the close button, a click outside. */
  onClose: () => void;
}

/** An image at full size (scaled down to fit the window), in a modal dialog. */
export default function ImageLightbox({ name, src, width, height, onClose }: ImageLightboxProps) {
  return (
    <Dialog title={name} onClose={onClose} class="lightbox" testId="lightbox">
      <img class="lightbox-image" src={src} alt={name} width={width} height={height} />
    </Dialog>
  );
}
