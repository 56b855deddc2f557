import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { BLUEPRINT_URI, monaco } from './monaco.js';
import type { Problem } from './problems.js';

export interface YamlEditorHandle {
  /** Moves the cursor to a 1-based line and column and gives the editor the focus. */
  goTo(line: number, column: number): void;
}

interface Props {
  value: string;
  onChange(value: string): void;
  /** Shown as markers (squiggles + the gutter) under the owner `af-validation`. */
  problems: Problem[];
  /** The accessible name of the editor's text area. */
  label: string;
}

/** Monaco on the blueprint model; the text is owned by the parent (controlled on the way in only when it differs). */
export const YamlEditor = forwardRef<YamlEditorHandle, Props>(function YamlEditor({ value, onChange, problems, label }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | undefined>(undefined);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const model = monaco.editor.getModel(BLUEPRINT_URI) ?? monaco.editor.createModel(value, 'yaml', BLUEPRINT_URI);
    model.setValue(value);
    const instance = monaco.editor.create(host.current, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      tabSize: 2,
      insertSpaces: true,
      scrollBeyondLastLine: false,
      ariaLabel: label,
      fontSize: 14,
      theme: 'af-light',
      // 'dimmed' greys the last line's number below the contrast the console keeps.
      renderFinalNewline: 'on',
      quickSuggestions: { other: true, comments: false, strings: true },
      // Tab moves focus out of the editor after Ctrl+M / the accessibility help: keyboard users are not trapped.
      tabFocusMode: false,
    });
    editor.current = instance;
    const subscription = instance.onDidChangeModelContent(() => onChangeRef.current(instance.getValue()));
    return () => {
      subscription.dispose();
      instance.dispose();
      model.dispose();
      editor.current = undefined;
    };
    // created once; later values arrive through the effect below
  }, []);

  useEffect(() => {
    const instance = editor.current;
    if (instance && instance.getValue() !== value) instance.getModel()?.setValue(value);
  }, [value]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      'af-validation',
      problems.map((problem) => {
        const lineLength = model.getLineMaxColumn(Math.min(problem.line, model.getLineCount()));
        return {
          severity: problem.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: `${problem.code}: ${problem.message}${problem.suggestions.length ? `\n${problem.suggestions.join('\n')}` : ''}`,
          source: `${problem.tier} (${problem.path})`,
          startLineNumber: problem.line,
          startColumn: problem.column,
          endLineNumber: problem.line,
          endColumn: Math.max(lineLength, problem.column + 1),
        };
      }),
    );
  }, [problems, value]);

  useImperativeHandle(ref, () => ({
    goTo(line, column) {
      const instance = editor.current;
      if (!instance) return;
      instance.setPosition({ lineNumber: line, column });
      instance.revealLineInCenter(line);
      instance.focus();
    },
  }));

  return <div ref={host} className="editor-host" data-testid="yaml-editor" />;
});
