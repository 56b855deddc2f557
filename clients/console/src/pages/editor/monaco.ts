// Monaco, loaded only with the editor route: the core API, the editor's features, the YAML
// grammar and monaco-yaml (the YAML language server in a worker) — not every language Monaco ships.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml, type MonacoYaml, type MonacoYamlOptions } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// Workers are bundled files of this origin (CSP worker-src 'self' blob:), one per label.
window.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

// Line numbers dark enough for 4.5:1 on white (Monaco's default grey is lighter).
monaco.editor.defineTheme('af-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editorLineNumber.foreground': '#4a5563', 'editorLineNumber.activeForeground': '#1b1f24' },
});

/** The model's URI: monaco-yaml applies the blueprint schema to it. */
export const BLUEPRINT_URI = monaco.Uri.parse('file:///blueprint.yaml');

let yaml: MonacoYaml | undefined;

/** Completion, hover and schema checks from the published JSON Schema (GET /v1/schemas/blueprint). */
export function applyBlueprintSchema(schema: object | undefined): void {
  const options: MonacoYamlOptions = {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    validate: true,
    schemas: schema ? [{ uri: `${window.location.origin}/v1/schemas/blueprint`, fileMatch: [BLUEPRINT_URI.toString()], schema: schema as never }] : [],
  };
  if (yaml) void yaml.update(options);
  else yaml = configureMonacoYaml(monaco, options);
}

export { monaco };
