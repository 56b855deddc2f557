// @ts-check

/**
 * The gateway authenticates every route with one global guard; a route opts out with `@Public()`.
 * A per-controller (or per-route) `@UseGuards(AuthGuard)` would make "guarded" depend on each
 * controller remembering it, which is what the global guard is there to prevent.
 * @type {import('eslint').Rule.RuleModule}
 */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'No @UseGuards(AuthGuard) per controller or route: authentication is one global guard with a @Public() opt-out.' },
    schema: [{ type: 'object', additionalProperties: false, properties: { guards: { type: 'array', items: { type: 'string' } } } }],
    messages: {
      perController:
        'Authentication is one global guard (APP_GUARD); a public route says @Public(). Remove @UseGuards({{guard}}) from this {{target}}.',
    },
  },
  create(context) {
    /** @type {{ guards?: string[] }} */
    const options = context.options[0] ?? {};
    const guards = new Set(options.guards ?? ['AuthGuard']);
    /** @param {any} node */
    const nameOf = (node) => (node?.type === 'Identifier' ? node.name : node?.type === 'MemberExpression' && node.property.type === 'Identifier' ? node.property.name : undefined);
    return {
      /** @param {any} node a TSESTree Decorator */
      Decorator(node) {
        const call = node.expression;
        if (call.type !== 'CallExpression' || nameOf(call.callee) !== 'UseGuards') return;
        for (const arg of call.arguments) {
          // @UseGuards(AuthGuard) or @UseGuards(new AuthGuard(...))
          const guard = nameOf(arg.type === 'NewExpression' ? arg.callee : arg);
          if (guard && guards.has(guard)) {
            const target = node.parent?.type === 'ClassDeclaration' ? 'controller' : 'route';
            context.report({ node, messageId: 'perController', data: { guard, target } });
          }
        }
      },
    };
  },
};
