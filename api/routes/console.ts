// The web console's static files (web/console: sign-in page, workspace, API browser) and the
// links it shows (Temporal UI, sandbox). The pages are public; everything they show comes from the
// API, which checks the caller.
import path from 'node:path';
import express, { Router } from 'express';
import { DEFAULT_WECOM_API_BASE, type Config } from '../../config/env';
import { defineRoute, type Route } from '../route';

const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'web', 'console');

/** Chart.js from node_modules (npm's copy, no CDN): the dashboard's charts. */
const CHART_JS_DIR = path.resolve(__dirname, '..', '..', 'node_modules', 'chart.js', 'dist');

export function consoleStatic(): Router {
  const router = Router();
  router.use('/console/vendor', express.static(CHART_JS_DIR, { maxAge: '1d', index: false }));
  router.use('/console', express.static(CONSOLE_DIR));
  return router;
}

export function consoleRoutes(config: Config): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/',
      tag: 'console',
      summary: 'Redirects to the console (/console/)',
      access: 'public',
      response: { description: 'A redirect (302) to /console/' },
      handle: ({ res }) => void res.redirect('/console/'),
    }),
    defineRoute({
      method: 'get',
      path: '/api/console/links',
      tag: 'console',
      summary: 'Links the console shows (Temporal UI, the sandbox)',
      access: 'user',
      handle() {
        const links = [
          { label: 'Temporal UI (every conversation as a workflow; supervisors)', url: config.TEMPORAL_UI_URL },
          { label: 'api metrics (Prometheus; supervisors)', url: '/metrics' },
        ];
        if (config.WECOM_API_BASE !== DEFAULT_WECOM_API_BASE) {
          links.push({ label: 'WeCom sandbox: customer chat', url: `${config.WECOM_API_BASE}/chat` });
        }
        return links;
      },
    }),
  ];
}
