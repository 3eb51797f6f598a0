import type { Deps } from '../../deps.js';
import type { PlatformModule } from '../../platform.js';
import { widgetDemoRoutes } from './demo.js';
import { createWidgetHub, type WidgetHub } from './hub.js';
import { perPlatform } from '../../realtime/ws-server.js';
import { widgetScriptRoutes, widgetSnippetRoutes } from './routes.js';

const hubFor = perPlatform(createWidgetHub);

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
    const hub = hubFor(deps);
    return () => hub.close();
  },
};

/** The widget hub of a running platform (tests count its sockets). */
export const widgetHubOf = (deps: Deps): WidgetHub => hubFor(deps);
