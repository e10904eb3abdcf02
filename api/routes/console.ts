// The web console's static files (web/console) and the links it shows (Temporal UI, sandbox).
import path from 'node:path';
import express, { Router } from 'express';
import { DEFAULT_WECOM_API_BASE, type Config } from '../../config/env';

const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'web', 'console');

export function consoleRoutes(config: Config): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect('/console/'));
  router.use('/console', express.static(CONSOLE_DIR));
  router.get('/api/console/links', (_req, res) => {
    const links = [{ label: 'Temporal UI (every conversation as a workflow)', url: config.TEMPORAL_UI_URL }];
    if (config.WECOM_API_BASE !== DEFAULT_WECOM_API_BASE) {
      links.push({ label: 'WeCom sandbox: customer chat', url: `${config.WECOM_API_BASE}/chat` });
    }
    res.json(links);
  });
  return router;
}
