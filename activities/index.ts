// Every activity the worker registers, built from the process's dependencies.
import { createEchoActivities } from './echo';

export function createActivities() {
  return {
    ...createEchoActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
