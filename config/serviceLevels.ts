// The service levels file (SERVICE_LEVELS_FILE, kb/service-levels.json by default), read and checked
// at start-up: the worker starts conversations with it, the api takes the customer tiers from it.
import fs from 'node:fs';
import { parseServiceLevels, type ServiceLevels } from '../domain/serviceLevels';

export function loadServiceLevels(file: string): ServiceLevels {
  return parseServiceLevels(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}
