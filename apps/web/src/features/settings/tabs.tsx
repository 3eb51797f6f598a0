import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Me, Role } from '../../api/types.js';

/** One tab of the settings page: its path segment (`/settings/<id>`), i18n title key, who may open it, and the view. */
export interface SettingsTab {
  id: string;
  titleKey: string;
  roles: readonly Role[];
  view: LazyExoticComponent<ComponentType<{ me: Me }>>;
}

/**
 * The settings tabs, in menu order. Each operations feature registers its own line here and keeps its view in its
 * own feature folder.
 */
export const SETTINGS_TABS: readonly SettingsTab[] = [
  {
    id: 'canned',
    titleKey: 'settings.canned',
    roles: ['supervisor', 'admin'],
    view: lazy(() => import('./canned-settings.js').then((m) => ({ default: m.CannedSettings }))),
  },
  {
    id: 'csat',
    titleKey: 'csat.tabTitle',
    roles: ['supervisor', 'qa', 'admin'],
    view: lazy(() => import('../csat/csat-responses.js').then((m) => ({ default: m.CsatResponses }))),
  },
  {
    id: 'sla',
    titleKey: 'settings.sla',
    roles: ['supervisor', 'admin'],
    view: lazy(() => import('../sla/sla-settings.js').then((m) => ({ default: m.SlaSettings }))),
  },
  {
    id: 'routing',
    titleKey: 'settings.routing',
    roles: ['supervisor', 'admin'],
    view: lazy(() => import('../routing/routing-settings.js').then((m) => ({ default: m.RoutingSettings }))),
  },
  {
    id: 'automation',
    titleKey: 'settings.automation',
    roles: ['supervisor', 'admin'],
    view: lazy(() => import('../automation/automation-settings.js').then((m) => ({ default: m.AutomationSettings }))),
  },
];
