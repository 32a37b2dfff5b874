/** A text with the sensitive words it hits marked (red: blocks, orange: asks for review). */
export interface TextHit {
  word: string;
  action: 'block' | 'review';
  start: number;
  end: number;
}

export function HighlightedText({ text, hits }: { text: string; hits: readonly TextHit[] }) {
  // Overlapping hits are merged into the first one's span; block colours win.
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: { text: string; action: TextHit['action'] | null }[] = [];
  let at = 0;
  for (const h of sorted) {
    if (h.end <= at) continue;
    const start = Math.max(h.start, at);
    if (start > at) parts.push({ text: text.slice(at, start), action: null });
    const overlapping = sorted.filter((o) => o.start < h.end && o.end > start);
    const end = Math.max(...overlapping.map((o) => o.end));
    const action = overlapping.some((o) => o.action === 'block') ? 'block' : 'review';
    parts.push({ text: text.slice(start, end), action });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), action: null });
  return (
    <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {parts.map((p, i) =>
        p.action === null ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark
            key={i}
            data-testid="word-hit"
            style={{
              background: p.action === 'block' ? '#fff1f0' : '#fff7e6',
              color: p.action === 'block' ? '#cf1322' : '#d46b08',
              borderBottom: `2px solid ${p.action === 'block' ? '#ff4d4f' : '#fa8c16'}`,
              padding: '0 1px',
            }}
          >
            {p.text}
          </mark>
        ),
      )}
    </span>
  );
}
