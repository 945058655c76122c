import type { PlannedArea } from '../areas.js';
import { Icon } from '../components/icons.js';
import { PageHeader } from '../components/Layout.js';
import { useTitle } from '../components/ui.js';

/** The empty state of an area that is not built yet: what it will hold, and what to use until then. */
export function AreaPage({ area }: { area: PlannedArea }) {
  useTitle(area.label);
  return (
    <>
      <PageHeader title={area.label} description={area.summary} />
      <section className="empty" aria-labelledby="empty-title">
        <div className="empty-icon" aria-hidden="true">
          <Icon name={area.icon} size={28} />
        </div>
        <h2 id="empty-title">{area.label} is not built yet</h2>
        <p className="muted">
          {area.availableNow ??
            'This part of Lathe is planned but not available in this version, so this page stays empty rather than showing sample data.'}
        </p>
        <div className="empty-columns">
          <div>
            <h3>This area will hold</h3>
            <ul className="checklist">
              {area.willHold.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3>Until then</h3>
            <ul className="linklist">
              <li>
                <Icon name="book" size={14} />
                <span>
                  The <a href="/api/docs">API reference</a> lists every endpoint this server offers today.
                </span>
              </li>
              <li>
                <Icon name="terminal" size={14} />
                <span>
                  <code>lathe --help</code> lists the command-line tool's commands.
                </span>
              </li>
              <li>
                <Icon name="terminal" size={14} />
                <span>
                  Scripts can use the TypeScript SDK: <code>import {'{ LatheClient }'} from 'lathe/sdk'</code>
                  .
                </span>
              </li>
            </ul>
          </div>
        </div>
      </section>
    </>
  );
}
