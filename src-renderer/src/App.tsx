/**
 * The annotator's workspace lands with the workspace issue; until then the window shows
 * what the app is and how to drive it from the CLI.
 */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 32, maxWidth: 720 }}>
      <h1>Labelwright</h1>
      <p>Models pre-label whole folders of images; you correct what they got wrong.</p>
      <p>
        The editor is on its way. Meanwhile the <code>labelwright</code> command line creates projects, adds
        folders, manages categories and imports and exports COCO.
      </p>
    </main>
  );
}
