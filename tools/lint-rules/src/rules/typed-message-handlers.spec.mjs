import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from './typed-message-handlers.mjs';

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' } });

tester.run('typed-message-handlers', rule, {
  valid: [
    `import { Ctx, Payload } from '@nestjs/microservices';
     import { MessageContext, OnRequest } from '@af/messaging';
     export class RunHandler {
       @OnRequest('af.v1.runs.get')
       get(@Payload() request: unknown, @Ctx() ctx: MessageContext) { return { request, ctx }; }
     }`,
    `import { OnEvent } from '@af/messaging';
     export class H { @OnEvent('af.v1.runs.event.started') started() {} }`,
    // a local name that happens to match is not Nest's decorator
    `function MessagePattern() { return () => undefined; }
     export class H { @MessagePattern() x() {} }`,
  ],
  invalid: [
    {
      code: `import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
             export class H { @MessagePattern<string>('af.v1.runs.get') get(@Payload() r: unknown, @Ctx() c: unknown) { return { r, c }; } }`,
      errors: [{ messageId: 'raw', data: { raw: '@MessagePattern', typed: '@OnRequest' } }],
    },
    {
      code: `import { EventPattern as On } from '@nestjs/microservices';
             export class H { @On<string>('af.v1.runs.event.started') started() {} }`,
      errors: [{ messageId: 'raw', data: { raw: '@EventPattern', typed: '@OnEvent' } }],
    },
    {
      code: `import { EventPattern, MessagePattern } from '@nestjs/microservices';`,
      errors: [{ messageId: 'raw' }, { messageId: 'raw' }],
    },
    {
      code: `import * as ms from '@nestjs/microservices';
             export class H { @ms.EventPattern('af.v1.runs.event.started') started() {} }`,
      errors: [{ messageId: 'raw', data: { raw: '@EventPattern', typed: '@OnEvent' } }],
    },
  ],
});
