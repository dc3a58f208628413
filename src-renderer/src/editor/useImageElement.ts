import { useEffect, useState } from 'react';

/** Loads the image at `url` into an element for the canvas; null while it loads or failed. */
export function useImageElement(url: string | null): HTMLImageElement | null {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  useEffect(() => {
    if (!url) return setImg(null);
    let live = true;
    setImg(null); // never show the previous image under the next one's boxes
    const el = new window.Image();
    el.onload = () => live && setImg(el);
    el.onerror = () => live && setImg(null);
    el.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return img;
}
