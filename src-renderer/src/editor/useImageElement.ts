import { useEffect, useState } from 'react';

export interface LoadedImage {
  img: HTMLImageElement | null;
  /** True when the browser could not load or decode the file at `url`. */
  failed: boolean;
}

/** Loads the image at `url` into an element for the canvas; img is null while it loads or failed. */
export function useImageElement(url: string | null): LoadedImage {
  const [state, setState] = useState<LoadedImage>({ img: null, failed: false });
  useEffect(() => {
    if (!url) return setState({ img: null, failed: false });
    let live = true;
    setState({ img: null, failed: false }); // never show the previous image under the next one's boxes
    const el = new window.Image();
    el.onload = () => live && setState({ img: el, failed: false });
    el.onerror = () => live && setState({ img: null, failed: true });
    el.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return state;
}
