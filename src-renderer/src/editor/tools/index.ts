/** The editor's tools by id: the canvas dispatches pointer input to the active one. */
import type { Tool } from '../view-state';
import { boxTool } from './box-tool';
import { brushTool, eraserTool } from './mask-brush-tool';
import { selectTool } from './select-tool';
import { polygonTool } from './polygon-tool';
import { smartTool } from './smart-tool';
import type { EditorTool } from './tool';

export const TOOLS: Record<Tool, EditorTool> = {
  select: selectTool,
  box: boxTool,
  brush: brushTool,
  eraser: eraserTool,
  polygon: polygonTool,
  smart: smartTool,
};

export { panGesture } from './pan-gesture';
export {
  FALLBACK_COLOR,
  categoryColor,
  type EditorTool,
  type Gesture,
  type GesturePreview,
  type PointerInput,
  type PointerTarget,
  type ToolHost,
} from './tool';
