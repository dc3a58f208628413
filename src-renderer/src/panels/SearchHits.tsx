import type { SearchHit } from '../../../src-main/shared/api';
import { imageUrl, useApp } from '../app-context';

/** UNITER's score read as a percentage: sigmoid(rank_logit), as the tooltip says. */
export function matchPercent(h: SearchHit): string {
  return `${Math.round(h.sigmoidOfRankLogit * 100)} %`;
}

function scoreTooltip(h: SearchHit): string {
  return `match ${matchPercent(h)} = sigmoid(rank_logit) = ${h.sigmoidOfRankLogit.toFixed(4)}\nrank_logit (UNITER's raw score) = ${h.rankLogit.toFixed(3)}`;
}

/** The hits of a text search in rank order, best first; a click opens the image, and A/D in the editor walk the hits in this order. */
export function SearchHits({ hits }: { hits: readonly SearchHit[] }) {
  const { session, openImage } = useApp();
  const order = hits.map((h) => h.imageId);
  return (
    <div className="search-hits" data-testid="search-hits" aria-label="Search results, best match first">
      {hits.map((h, rank) => (
        <button
          key={h.imageId}
          className="cell"
          onClick={() => openImage(h.imageId, { sort: 'name', order })}
          data-testid="search-hit"
          data-image-id={h.imageId}
          data-name={h.name}
          data-rank-logit={h.rankLogit}
          title={`#${rank + 1} ${h.name}\n${scoreTooltip(h)}`}
        >
          <div className="thumb">
            <img src={imageUrl(session, h.imageId, 'thumbnail') ?? ''} alt="" loading="lazy" decoding="async" draggable={false} />
            <span className="badge search-rank">#{rank + 1}</span>
            <span className={`badge search-score ${h.sigmoidOfRankLogit < 0.5 ? 'low' : ''}`} title={scoreTooltip(h)} data-testid="search-score">
              {matchPercent(h)} match
            </span>
          </div>
          <div className="cell-meta">
            <span className="name">{h.name}</span>
            <span className="counts mono" title={scoreTooltip(h)}>
              {h.rankLogit.toFixed(2)}
            </span>
          </div>
        </button>
      ))}
    </div>
  );
}
