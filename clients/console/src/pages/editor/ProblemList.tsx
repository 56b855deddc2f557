import type { Problem } from './problems.js';

/** The report beside the editor: one button per problem (line, message, suggestion) that moves the cursor there. */
export function ProblemList({ problems, summary, onSelect }: { problems: Problem[]; summary: string; onSelect(problem: Problem): void }) {
  return (
    <section aria-labelledby="problems-title">
      <h2 id="problems-title">Problems</h2>
      {problems.length === 0 ? (
        <p className="muted">{summary}</p>
      ) : (
        <ul className="problems" aria-label="Problems in the draft">
          {problems.map((problem, index) => (
            <li key={`${problem.path}-${problem.code}-${index}`}>
              <button type="button" onClick={() => onSelect(problem)}>
                <span className={`sev-${problem.severity}`}>{problem.severity === 'error' ? 'Error' : 'Warning'}</span> on line {problem.line}
                {problem.approximate ? ' (the field is missing here)' : ''}: {problem.message}{' '}
                <span className="muted">
                  <code>{problem.code}</code> at <code>{problem.path || '/'}</code>
                </span>
                {problem.suggestions.map((suggestion) => (
                  <span key={suggestion} className="suggestion">
                    <br />
                    Suggestion: {suggestion}
                  </span>
                ))}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
