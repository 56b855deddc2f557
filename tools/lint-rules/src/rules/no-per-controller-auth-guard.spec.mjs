import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from './no-per-controller-auth-guard.mjs';

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' } });

tester.run('no-per-controller-auth-guard', rule, {
  valid: [
    `@Controller('v1/runs')
     export class RunsController { @Get(':id') get() {} }`,
    `@Controller('health')
     export class HealthController { @Public() @Get() live() {} }`,
    // other guards (rate limits, roles) may still be scoped to a controller
    `@UseGuards(RolesGuard)
     @Controller('v1/admin')
     export class AdminController {}`,
    `@UseGuards(ThrottleGuard, RolesGuard)
     @Controller('v1/admin')
     export class AdminController { @UseGuards(RolesGuard) @Post() act() {} }`,
  ],
  invalid: [
    {
      code: `@Controller('v1/runs')
             @UseGuards(AuthGuard)
             export class RunsController {}`,
      errors: [{ messageId: 'perController', data: { guard: 'AuthGuard', target: 'controller' } }],
    },
    {
      code: `@Controller('v1/runs')
             export class RunsController { @UseGuards(RolesGuard, AuthGuard) @Get(':id') get() {} }`,
      errors: [{ messageId: 'perController', data: { guard: 'AuthGuard', target: 'route' } }],
    },
    {
      code: `@common.UseGuards(new auth.AuthGuard(verifier))
             export class RunsController {}`,
      errors: [{ messageId: 'perController', data: { guard: 'AuthGuard', target: 'controller' } }],
    },
    {
      code: `@UseGuards(JwtGuard)
             export class RunsController {}`,
      options: [{ guards: ['JwtGuard'] }],
      errors: [{ messageId: 'perController', data: { guard: 'JwtGuard', target: 'controller' } }],
    },
  ],
});
