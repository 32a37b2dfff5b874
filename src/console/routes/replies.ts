// PLACEHOLDER until this route module lands (issue 5); must not survive to the end of the issue.
import type { ConsoleRoutes } from '../context.js';

export const repliesRoutes: ConsoleRoutes = () => undefined;
