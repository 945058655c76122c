import { Link } from 'react-router-dom';
import { refUrl } from './data-format.js';

/** A version ref (`name@3`) as a link to its page; plain text when it is not a dataset version's. */
export function RefLink({ dataRef }: { dataRef: string }) {
  const url = refUrl(dataRef);
  return url ? <Link to={url}>{dataRef}</Link> : dataRef;
}

/** A version's parents as links, or `empty` (muted) when it has none. */
export function ParentRefs({ parents, empty }: { parents: string[]; empty: string }) {
  if (parents.length === 0) return <span className="muted">{empty}</span>;
  return (
    <>
      {parents.map((p) => (
        <span key={p} className="data-parent">
          <RefLink dataRef={p} />
        </span>
      ))}
    </>
  );
}
