// Helm's value flags (-f/--values, --set, --set-string, --set-json, --set-file, --set-literal) for
// commander, shared by `helm template`/`lint` and `helm install`/`upgrade`.
import type { Command } from 'commander';

export const collect = (v: string, prev: string[]): string[] => [...prev, v];
export const collectComma = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').filter((s) => s !== '')];

export function valueFlags(cmd: Command): Command {
  return cmd
    .option('-f, --values <files>', 'specify values in a YAML file or a URL (can specify multiple)', collectComma, [])
    .option('--set <values>', 'set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)', collect, [])
    .option('--set-string <values>', 'set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)', collect, [])
    .option('--set-json <values>', 'set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2)', collect, [])
    .option('--set-file <values>', 'set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)', collect, [])
    .option('--set-literal <values>', 'set a literal STRING value on the command line', collect, []);
}
