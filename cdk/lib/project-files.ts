import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The project's own files that the stack is built from, read at synth time so that the cloud
 * deployment can never drift from them: localstack/tables.json (the one table definition) and
 * each role's application.properties (the configuration keys a role reads).
 */

/** The repository root: the nearest folder above this file that holds localstack/tables.json. */
export function repositoryRoot(start: string = __dirname): string {
  let folder = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(folder, 'localstack', 'tables.json'))) {
      return folder;
    }
    const parent = path.dirname(folder);
    if (parent === folder) {
      throw new Error(`No localstack/tables.json found in ${start} or any folder above it: `
        + 'the CDK app must run from inside the project checkout.');
    }
    folder = parent;
  }
}

/** A role's configuration keys and their defaults, from ROLE/application.properties. */
export type RoleProperties = ReadonlyMap<string, string>;

/**
 * Reads a Java properties file of plain `key=value` lines (the form the roles' files use): `#` and
 * `!` lines are comments, the first `=` or `:` ends the key. Line continuations are refused rather
 * than misread.
 */
export function readProperties(file: string): RoleProperties {
  const properties = new Map<string, string>();
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) {
      return;
    }
    if (line.endsWith('\\')) {
      throw new Error(`${file} line ${index + 1} continues onto the next line; the CDK app reads one key=value per line.`);
    }
    const separator = line.search(/[=:]/);
    if (separator <= 0) {
      throw new Error(`${file} line ${index + 1} is not key=value: '${line}'.`);
    }
    properties.set(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
  });
  return properties;
}

/** The keys each role reads, by role folder name. */
export interface ProjectProperties {
  readonly server: RoleProperties;
  readonly processor: RoleProperties;
  readonly engine: RoleProperties;
}

export function readProjectProperties(root: string = repositoryRoot()): ProjectProperties {
  return {
    server: readProperties(path.join(root, 'server-routes', 'application.properties')),
    processor: readProperties(path.join(root, 'processor-routes', 'application.properties')),
    engine: readProperties(path.join(root, 'engine', 'application.properties')),
  };
}

/**
 * The environment variable that overrides a setting, as the roles' Settings (and the engine's
 * EngineConfig) derive it: the key upper-cased, dots and dashes as underscores.
 */
export function environmentName(key: string): string {
  return key.toUpperCase().replace(/[.-]/g, '_');
}
