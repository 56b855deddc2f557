// @ts-check

const RAW = new Set(['MessagePattern', 'EventPattern']);
const NEST_MICROSERVICES = '@nestjs/microservices';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: "NATS handlers use @af/messaging's typed @OnRequest/@OnEvent, never Nest's raw @MessagePattern/@EventPattern." },
    schema: [],
    messages: {
      raw: "Use {{typed}}(subject) from '@af/messaging' instead of Nest's {{raw}}: its payload (and reply) type comes from the subject map in @af/contracts, so a handler cannot declare the wrong message type.",
    },
  },
  create(context) {
    /** @type {Set<string>} local names of `import * as x from '@nestjs/microservices'` */
    const namespaces = new Set();
    /** @param {import('estree').Node} node @param {string} raw */
    const report = (node, raw) => context.report({ node, messageId: 'raw', data: { raw: `@${raw}`, typed: raw === 'MessagePattern' ? '@OnRequest' : '@OnEvent' } });
    return {
      ImportDeclaration(node) {
        if (node.source.value !== NEST_MICROSERVICES) return;
        for (const spec of node.specifiers) {
          if (spec.type === 'ImportNamespaceSpecifier') namespaces.add(spec.local.name);
          else if (spec.type === 'ImportSpecifier' && spec.imported.type === 'Identifier' && RAW.has(spec.imported.name)) report(spec, spec.imported.name);
        }
      },
      MemberExpression(node) {
        if (node.object.type === 'Identifier' && namespaces.has(node.object.name) && node.property.type === 'Identifier' && RAW.has(node.property.name)) {
          report(node, node.property.name);
        }
      },
    };
  },
};
