// The chain line's few words for a PE: "DLL (export Run)", "DLL (exports DllRegisterServer, Run +3)", "EXE".

/** Exports every DLL has by convention say nothing about how a dropper runs it; name the others first. */
const CONVENTIONAL = new Set(['DllMain', 'DllEntryPoint', 'DllCanUnloadNow', 'DllGetClassObject', 'DllUnregisterServer']);

export function exportLabel(type: string, exportNames: string[]): string {
  if (exportNames.length === 0) return type;
  const telling = [...exportNames.filter((n) => !CONVENTIONAL.has(n)), ...exportNames.filter((n) => CONVENTIONAL.has(n))];
  if (telling.length === 1) return `${type} (export ${telling[0]})`;
  const shown = telling.slice(0, 2).join(', ');
  return `${type} (exports ${shown}${telling.length > 2 ? ` +${telling.length - 2}` : ''})`;
}
