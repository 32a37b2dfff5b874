export { normaliseCommandText, toHalfWidth } from './normalise.js';
export type {
  BuiltinCode,
  Command,
  ExtensionDefinition,
  ParamKind,
  ParamSpec,
  SplitCommand,
} from './parse.js';
export { BUILTIN_CODES, BUILTIN_COMMANDS, isBuiltinCode, parseCommand, splitCommand } from './parse.js';
export { maskCommandText, maskDigitRuns, maskStoredCommandText } from './mask.js';
