import type { Deps } from '../../deps.js';
import type { PlatformModule } from '../../platform.js';
import { widgetDemoRoutes } from './demo.js';
import { createWidgetHub, type WidgetHub } from './hub.js';
import { widgetScriptRoutes, widgetSnippetRoutes } from './routes.js';

const hubs = new WeakMap<Deps, WidgetHub>();
const hubFor = (deps: Deps): WidgetHub => {
  let hub = hubs.get(deps);
  if (!hub) {
    hub = createWidgetHub(deps);
    hubs.set(deps, hub);
  }
  return hub;
};

/**
 * The web chat widget channel: `/widget.js`, the visitors' socket at `/ws/widget?inbox=…`, and the snippet route.
 * One hub per platform (tests run several in one process).
 * @example
 * // <script src="https://support.example.com/widget.js" data-inbox="<inboxId>" async></script>
 */
export const widgetModule: PlatformModule = {
  publicRoutes: [widgetScriptRoutes, widgetDemoRoutes],
  protectedRoutes: [widgetSnippetRoutes],
  upgrade: (deps) => hubFor(deps).handle,
  start: async (deps) => {
    hubFor(deps);
    return async () => {
      await hubs.get(deps)?.close();
      hubs.delete(deps);
    };
  },
};

/** The widget hub of a running platform (tests count its sockets). */
export const widgetHubOf = (deps: Deps): WidgetHub | undefined => hubs.get(deps);
