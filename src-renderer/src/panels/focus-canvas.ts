/** Gives the keyboard back to the canvas after a control took it (a select, a checkbox, a button). */
export function focusCanvas(): void {
  document.querySelector<HTMLElement>('[data-testid="editor-canvas"]')?.focus();
}
