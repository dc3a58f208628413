/** A padlock drawn inline (no icon font or emoji needed): closed when locked. */
export function Padlock({ closed }: { closed: boolean }) {
  return (
    <svg width="10" height="12" viewBox="0 0 10 12" aria-hidden="true" style={{ display: 'block' }}>
      <path
        d={closed ? 'M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5' : 'M2.5 5V3.5a2.5 2.5 0 0 1 5 0V2.5'}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        transform={closed ? undefined : 'translate(2.2 0)'}
      />
      <rect x="1" y="5" width="8" height="6.5" rx="1.2" fill="currentColor" />
    </svg>
  );
}
