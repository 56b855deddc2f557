// @ts-check
// Agent Factory's own lint rules: architecture invariants enforced as code (wired in
// eslint.config.mjs under the `af/` prefix; each rule has a RuleTester spec beside it). Not in
// tools/eslint-rules: @nx/eslint-plugin claims that folder for its own TypeScript workspace rules.
import ioClientsInRepositories from './rules/io-clients-in-repositories.mjs';
import noPerControllerAuthGuard from './rules/no-per-controller-auth-guard.mjs';
import typedMessageHandlers from './rules/typed-message-handlers.mjs';

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: '@af/lint-rules', version: '0.1.0' },
  rules: {
    'io-clients-in-repositories': ioClientsInRepositories,
    'typed-message-handlers': typedMessageHandlers,
    'no-per-controller-auth-guard': noPerControllerAuthGuard,
  },
};

export default plugin;
