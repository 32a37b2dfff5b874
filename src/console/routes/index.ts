/** The route modules that drive the running platform; registered when the console has one. */
import type { ConsoleRoutes } from '../context.js';

export const PLATFORM_ROUTES: readonly ConsoleRoutes[] = [];
