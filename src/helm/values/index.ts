// Values: user-supplied values (-f, --set*), Helm's coalescing, YAML reading/writing and schemas.

import { readFileSync } from 'node:fs';
import { unmarshal } from '../sprig/json.js';
import { isTable, mergeMaps, type Values } from './coalesce.js';
import { parseSet, parseSetFile, parseSetJson, parseSetLiteral, parseSetString } from './strvals.js';
import { readValuesYaml } from './yaml.js';

export * from './coalesce.js';
export { parseSet, parseSetString, parseSetFile, parseSetJson, parseSetLiteral, typedVal } from './strvals.js';
export { yamlToValue, yamlDocsToValues, readValuesYaml, toYaml, marshalYaml, jsonToYaml, YamlError, resolvePlain, formatGoFloatG, goYamlKeyLess } from './yaml.js';
export { validateSchema, schemaErrorText, parseSchema, type SchemaError } from './schema.js';

export interface ValueOptions {
  valueFiles: string[];
  set: string[];
  setString: string[];
  setJson: string[];
  setFile: string[];
  setLiteral: string[];
}

/** Reads a -f argument: a path, or "-" for standard input. */
export function readValueSource(path: string): string {
  if (path === '-') return readFileSync(0, 'utf8');
  return readFileSync(path, 'utf8');
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * pkg/cli/values Options.MergeValues: -f files in order, then --set-json, --set, --set-string,
 * --set-file and --set-literal, with Helm's error messages.
 */
export function mergeValueOptions(opts: Partial<ValueOptions>, read: (path: string) => string = readValueSource): Values {
  let base: Values = {};
  for (const file of opts.valueFiles ?? []) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`open ${file}: no such file or directory`);
      throw e;
    }
    let current: Values;
    try {
      current = readValuesYaml(text);
    } catch (e) {
      throw new Error(`failed to parse ${file}: ${errMsg(e)}`);
    }
    base = mergeMaps(base, current);
  }
  for (const value of opts.setJson ?? []) {
    const trimmed = value.trim();
    if (trimmed.length > 0 && trimmed[0] === '{') {
      let m: unknown;
      try {
        m = unmarshal(trimmed);
      } catch {
        throw new Error(`failed parsing --set-json data JSON: ${value}`);
      }
      if (!isTable(m)) throw new Error(`failed parsing --set-json data JSON: ${value}`);
      base = mergeMaps(base, m);
    } else {
      try {
        parseSetJson(value, base);
      } catch (e) {
        throw new Error(`failed parsing --set-json data ${value}: ${errMsg(e)}`);
      }
    }
  }
  for (const value of opts.set ?? []) {
    try {
      parseSet(value, base);
    } catch (e) {
      throw new Error(`failed parsing --set data: ${errMsg(e)}`);
    }
  }
  for (const value of opts.setString ?? []) {
    try {
      parseSetString(value, base);
    } catch (e) {
      throw new Error(`failed parsing --set-string data: ${errMsg(e)}`);
    }
  }
  for (const value of opts.setFile ?? []) {
    try {
      parseSetFile(value, base, (p) => {
        try {
          return read(p);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`open ${p}: no such file or directory`);
          throw e;
        }
      });
    } catch (e) {
      throw new Error(`failed parsing --set-file data: ${errMsg(e)}`);
    }
  }
  for (const value of opts.setLiteral ?? []) {
    try {
      parseSetLiteral(value, base);
    } catch (e) {
      throw new Error(`failed parsing --set-literal data: ${errMsg(e)}`);
    }
  }
  return base;
}
